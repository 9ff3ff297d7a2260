// The behaviour suite that runs unchanged on Node 20/22/24, Deno, Bun and headless Chromium.
// Rules (as in test/): real collections only; garbage is made inside inner functions; nothing is
// deref'd in the job that collects; survivors are used after the await. Every "must not happen"
// check carries a positive control that proves a collection did run.
import { assert, test } from './harness.mjs';

// ---- references --------------------------------------------------------------------------------

test('ref', 'ref(o) is shared without a callback and new with one; new Ref is always new', (t) => {
  const { ref, Ref } = t.lib;
  const o = {};
  assert.equal(ref(o), ref(o));
  assert.ok(ref(o, () => {}) !== ref(o), 'a callback makes a new Ref');
  assert.ok(new Ref(o) !== new Ref(o));
  assert.ok(ref(o) instanceof WeakRef, 'a Ref is a native WeakRef');
  assert.equal(ref(o).deref(), o);
});

test('ref', 'Ref prints readably, KeyedRef keeps its key, isRef tells ours from native', async (t) => {
  const { Ref, KeyedRef, isRef } = t.lib;
  class Worker {}
  const w = new Worker();
  assert.equal(String(new Ref(w)), '<Ref to Worker>');
  const k = new KeyedRef(w, undefined, 'alice');
  assert.equal(k.key, 'alice');
  assert.equal(String(k), '<KeyedRef to Worker>');
  assert.ok(isRef(k) && isRef(new Ref(w)));
  assert.ok(!isRef(new WeakRef(w)) && !isRef({}) && !isRef(null));
  const dead = (() => new Ref({}))();
  await t.settle(() => dead.deref() === undefined);
  assert.equal(String(dead), '<Ref dead>');
});

test('ref', 'a symbol that is not registered is weakly holdable', async (t) => {
  const { Ref } = t.lib;
  const calls = [];
  const s = Symbol('kept');
  const kept = new Ref(s);
  const r = (() => new Ref(Symbol('dropped'), () => calls.push('dropped')))();
  await t.settle(() => calls.length === 1);
  assert.equal(kept.deref(), s);
  assert.equal(r.deref(), undefined);
});

test('ref.callback', 'a callback runs once, after collection, with the dead Ref as argument', async (t) => {
  const { Ref } = t.lib;
  const calls = [];
  const r = (() => new Ref({}, (dead) => calls.push(dead)))();
  assert.equal(typeof r.callback, 'function');
  await t.settle(() => calls.length > 0);
  await t.settle();
  assert.equal(calls.length, 1, 'called exactly once');
  assert.equal(calls[0], r, 'with its own Ref');
  assert.equal(r.deref(), undefined);
  assert.equal(r.callback, undefined, 'callback is cleared once it ran');
});

test('ref.callback', 'several callbacks on one target run newest first', async (t) => {
  const { Ref, KeyedRef } = t.lib;
  const order = [];
  const refs = (() => {
    const target = {};
    return [
      new Ref(target, () => order.push(0)),
      new KeyedRef(target, () => order.push(1), 'k'),
      new Ref(target, () => order.push(2)),
      new Ref(target, () => order.push(3)),
    ];
  })();
  await t.settle(() => order.length === 4);
  assert.deepEqual(order, [3, 2, 1, 0]);
  assert.ok(refs.every((r) => r.deref() === undefined));
});

test('ref.callback', 'a subclass callback receives the subclass instance', async (t) => {
  class Named extends t.lib.Ref {
    constructor(target, callback, label) {
      super(target, callback);
      this.label = label;
    }
  }
  const got = [];
  const r = (() => new Named({}, (dead) => got.push(dead.label), 'mine'))();
  await t.settle(() => got.length === 1);
  assert.deepEqual(got, ['mine']);
  assert.ok(r instanceof Named);
});

test('ref.dropped', 'a dropped Ref never calls back (control: a kept Ref on the same target does)', async (t) => {
  const { Ref } = t.lib;
  let dropped = 0;
  const control = [];
  const holder = { target: {} };
  (() => {
    new Ref(holder.target, () => dropped++);
  })();
  const kept = new Ref(holder.target, () => control.push('kept'));
  await t.settle(); // the dropped Ref dies while its target lives
  holder.target = undefined;
  await t.settle(() => control.length === 1);
  await t.settle();
  assert.equal(dropped, 0, 'the dropped Ref called back');
  assert.deepEqual(control, ['kept']);
  assert.equal(kept.deref(), undefined);
});

test('ref.dropped', 'a Ref that dies in the same collection as its target does not call back', async (t) => {
  const { Ref } = t.lib;
  let together = 0;
  const control = [];
  const kept = (() => {
    const target = {};
    target.self = new Ref(target, () => together++); // reachable only from its own target
    return new Ref(target, () => control.push('kept'));
  })();
  await t.settle(() => control.length === 1);
  await t.settle();
  assert.equal(together, 0);
  assert.equal(kept.deref(), undefined);
});

test('ref.dropped', 'a burst of dropped Refs to one live target is pruned from its record', async (t) => {
  const { Ref, getWeakRefCount } = t.lib;
  const target = {};
  const N = 100_000; // a bounded burst; enough to need pruning, cheap on every engine
  (() => {
    for (let i = 0; i < N; i++) new Ref(target, () => {});
  })();
  const kept = new Ref(target);
  await t.settle(() => getWeakRefCount(target) === 1);
  assert.deepEqual(t.lib.getWeakRefs(target), [kept]);
});

// ---- the unraisable hook -------------------------------------------------------------------------

function captureConsoleError() {
  const lines = [];
  const original = console.error;
  console.error = (...args) => lines.push(args.map(String).join(' '));
  return { lines, restore: () => (console.error = original) };
}

test('unraisable', 'a throwing callback goes to the hook and the other callbacks still run', async (t) => {
  const { Ref, setUnraisableHook } = t.lib;
  const seen = [];
  const calls = [];
  setUnraisableHook((u) => seen.push(u));
  try {
    const refs = (() => {
      const a = {};
      const b = {};
      return [
        new Ref(a, () => calls.push('a-old')),
        new Ref(a, () => {
          throw new Error('boom');
        }),
        new Ref(a, () => calls.push('a-new')),
        new Ref(b, () => calls.push('b')),
      ];
    })();
    await t.settle(() => calls.length === 3 && seen.length === 1);
    await t.settle();
    assert.ok(calls.indexOf('a-new') < calls.indexOf('a-old'), `newest first around the throw: ${calls}`);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].kind, 'callback');
    assert.equal(seen[0].source, refs[1]);
    assert.equal(seen[0].error.message, 'boom');
  } finally {
    setUnraisableHook(undefined);
  }
});

test('unraisable', 'oven-sh/bun#41681: throwing callbacks on many targets do not stall the batch', async (t) => {
  const { Ref, setUnraisableHook } = t.lib;
  const seen = [];
  let ran = 0;
  setUnraisableHook((u) => seen.push(u.error.message));
  try {
    const refs = (() => {
      const out = [];
      for (let i = 0; i < 20; i++) {
        const target = {};
        out.push(new Ref(target, () => ran++));
        out.push(
          new Ref(target, () => {
            throw new Error(`boom ${i}`);
          }),
        );
      }
      return out;
    })();
    await t.settle(() => ran === 20 && seen.length === 20);
    assert.equal(new Set(seen).size, 20);
    assert.ok(refs.every((r) => r.deref() === undefined));
  } finally {
    setUnraisableHook(undefined);
  }
});

/**
 * Sets `hook`, lets a target die whose newer Ref callback throws `message`, and returns what went to
 * console.error once the older callback also ran (it must: one throw never stops the others).
 */
async function reportOfThrowingCallback(t, hook, message) {
  const { Ref, setUnraisableHook } = t.lib;
  setUnraisableHook(hook);
  const captured = captureConsoleError();
  const after = [];
  try {
    const refs = (() => {
      const target = {};
      return [
        new Ref(target, () => after.push('older ran')),
        new Ref(target, () => {
          throw new Error(message);
        }),
      ];
    })();
    await t.settle(() => after.length === 1 && captured.lines.length > 0);
    assert.ok(refs.every((r) => r.deref() === undefined));
  } finally {
    captured.restore();
    setUnraisableHook(undefined);
  }
  return captured.lines.join('\n');
}

test('unraisable', 'the default report goes to console.error as "Exception ignored in: <Ref dead>"', async (t) => {
  const report = await reportOfThrowingCallback(t, undefined, 'default boom');
  assert.ok(/Exception ignored in: <Ref dead>/.test(report), report);
  assert.ok(report.includes('default boom'), report);
});

test('unraisable', 'a hook that throws is reported and never escapes', async (t) => {
  const hook = () => {
    throw new Error('hook broke');
  };
  const report = await reportOfThrowingCallback(t, hook, 'callback broke');
  assert.ok(report.includes('hook broke'), report);
});

// ---- counting ------------------------------------------------------------------------------------

test('counting', 'getWeakRefCount/getWeakRefs count reachable Refs, oldest first, and drop dead ones', async (t) => {
  const { ref, Ref, KeyedRef, getWeakRefCount, getWeakRefs } = t.lib;
  const target = {};
  assert.equal(getWeakRefCount({}), 0);
  assert.deepEqual(getWeakRefs({}), []);
  const a = ref(target);
  const b = new Ref(target, () => {});
  const k = new KeyedRef(target, undefined, 'k');
  assert.equal(ref(target), a, 'sharing adds nothing');
  assert.equal(getWeakRefCount(target), 3);
  const refs = getWeakRefs(target);
  assert.ok(refs.length === 3 && refs[0] === a && refs[1] === b && refs[2] === k, 'oldest first');
  (() => {
    for (let i = 0; i < 10; i++) new Ref(target);
  })();
  await t.settle(() => getWeakRefCount(target) === 3);
  // Survivors are used after the await: JSC collects locals that are dead at the await.
  const after = getWeakRefs(target);
  assert.ok(after.length === 3 && after[0] === a && after[1] === b && after[2] === k);
});

// ---- bad input -----------------------------------------------------------------------------------

test('typeerrors', 'values that cannot be held weakly throw a TypeError naming their kind', (t) => {
  const { ref, Ref, KeyedRef, getWeakRefCount, getWeakRefs } = t.lib;
  const cases = [
    [1, 'number'],
    ['s', 'string'],
    [true, 'boolean'],
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, 'bigint'],
    [Symbol.for('registered'), 'registered symbol'],
  ];
  for (const [value, kind] of cases) {
    const message = new RegExp(`^cannot create weak reference to '${kind}' value$`);
    assert.throws(() => ref(value), TypeError, message, `ref(${kind})`);
    assert.throws(() => new Ref(value, () => {}), TypeError, message, `new Ref(${kind})`);
    assert.throws(() => new KeyedRef(value, undefined, 'k'), TypeError, message, `new KeyedRef(${kind})`);
    assert.throws(() => getWeakRefCount(value), TypeError, message, `getWeakRefCount(${kind})`);
    assert.throws(() => getWeakRefs(value), TypeError, message, `getWeakRefs(${kind})`);
  }
  const o = {};
  assert.throws(() => new Ref(o, 5), TypeError, /callback.*'number'/);
  assert.throws(() => t.lib.setUnraisableHook('loud'), TypeError, /'string'/);
  assert.equal(getWeakRefCount(o), 0, 'a rejected Ref left nothing behind');
});

// ---- engine facts the library is built around (labelled per engine, never skipped) ------------

test('engine', 'KeepDuringJob: a target whose WeakRef was created in this job survives a synchronous GC', async (t) => {
  if (t.syncGc === undefined) throw new Error(`${t.engine.version}: no synchronous gc (${t.gcMissing ?? 'not provided'})`);
  const native = (() => new WeakRef({}))();
  const ours = (() => new t.lib.Ref({}))();
  t.syncGc();
  if (t.engine.family === 'jsc') {
    t.note('JSC: cleared within the same job (oven-sh/bun#5942)');
    assert.equal(native.deref(), undefined, 'JSC kept a same-job WeakRef target');
    assert.equal(ours.deref(), undefined, 'JSC kept a same-job Ref target');
  } else {
    t.note('V8: kept until the job ends');
    assert.ok(native.deref() !== undefined, 'V8 cleared a same-job WeakRef target');
    assert.ok(ours.deref() !== undefined, 'V8 cleared a same-job Ref target');
  }
  await t.settle(() => native.deref() === undefined && ours.deref() === undefined);
});

// ---- weakref-ts/python ---------------------------------------------------------------------------

test('python', "weakref-ts/python exports the same objects under Python's names", (t) => {
  const { python: py, lib } = t;
  assert.equal(py.ref, lib.ref);
  assert.equal(py.ReferenceType, lib.Ref);
  assert.equal(py.KeyedRef, lib.KeyedRef);
  assert.equal(py.getweakrefcount, lib.getWeakRefCount);
  assert.equal(py.getweakrefs, lib.getWeakRefs);
});

// ---- weakref-ts/gc -------------------------------------------------------------------------------

test('gc.collect', 'collect() resolves after the callbacks of everything it found dead have run', async (t) => {
  const { Ref } = t.lib;
  const calls = [];
  const refs = (() => {
    const out = [];
    for (let i = 0; i < 50; i++) out.push(new Ref({}, () => calls.push(i)));
    return out;
  })();
  await t.collect();
  const died = refs.filter((r) => r.deref() === undefined).length;
  assert.equal(calls.length, died, 'every Ref found dead had called back when collect() resolved');
  t.expectDied(died, 50, 'targets');
});

test('gc.collect', 'collect() repeats while callbacks let more objects die', async (t) => {
  const { Ref } = t.lib;
  const calls = [];
  // The first target's callback holds the last reference to the second one's holder.
  const first = (() => {
    let second = {};
    const secondRef = new Ref(second, () => calls.push('second'));
    const r = new Ref({}, () => {
      calls.push('first');
      second = undefined;
    });
    globalThis.__weakrefTsChain = { keep: () => second, secondRef };
    return r;
  })();
  await t.collect();
  const { secondRef } = globalThis.__weakrefTsChain;
  delete globalThis.__weakrefTsChain;
  assert.equal(first.deref(), undefined);
  const secondDied = secondRef.deref() === undefined;
  t.expectDied(secondDied ? 1 : 0, 1, 'the object released by a callback');
  assert.deepEqual(calls, secondDied ? ['first', 'second'] : ['first'], 'a dead object\'s callback had run');
});
