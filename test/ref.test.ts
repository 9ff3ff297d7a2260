import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { KeyedRef, Ref, getWeakRefCount, getWeakRefs, isRef, ref, setUnraisableHook, type Unraisable } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';
import { runModule } from './support/child.js';

class Worker {
  constructor(readonly name: string) {}
}

/** Survivors live here between jobs, where neither the optimizer nor a closure can drop them. */
const keep = globalThis as unknown as { held: unknown[] };
keep.held = [];

describe('Ref', () => {
  test('deref returns the target while it lives and undefined once collected', async () => {
    const r = (() => new Ref(new Worker('gone')))();
    const live = new Worker('kept');
    const s = new Ref(live);
    await collect();
    assert.equal(r.deref(), undefined);
    assert.equal(s.deref(), live);
  });

  test('every Ref is a WeakRef and new Ref() always makes a new one', () => {
    const target = {};
    const a = new Ref(target);
    const b = new Ref(target);
    assert.ok(a instanceof WeakRef);
    assert.notEqual(a, b);
  });

  test('ref() without a callback shares one Ref per target; with a callback it is always new', () => {
    const target = {};
    const shared = ref(target);
    assert.equal(ref(target), shared);
    const withCallback = ref(target, () => {});
    assert.notEqual(withCallback, shared);
    assert.notEqual(ref(target, () => {}), withCallback);
    assert.equal(ref(target), shared);
  });

  test('a dropped shared Ref is replaced, not resurrected, and no longer counted', async () => {
    const target = {};
    keep.held.push(target);
    (() => ref(target))();
    assert.equal(getWeakRefCount(target), 1);
    await collect();
    assert.equal(getWeakRefCount(target), 0);
    const fresh = ref(target);
    assert.equal(getWeakRefCount(target), 1);
    assert.equal(ref(target), fresh);
  });

  // ref() keeps a target whose only watcher is its shared Ref in a lighter store than a target with
  // callbacks or several Refs; every way between the two must keep sharing, counting and callbacks.
  test('sharing, counting and callbacks survive every order of ref(), new Ref() and callbacks', async () => {
    const calls: string[] = [];
    const sharedFirst = new Worker('shared first');
    const a = ref(sharedFirst);
    const withCallback = new Ref(sharedFirst, () => calls.push('shared first'));
    assert.equal(ref(sharedFirst), a);
    assert.deepEqual(getWeakRefs(sharedFirst), [a, withCallback]);

    const recordFirst = new Worker('record first');
    const plain = new Ref(recordFirst);
    const b = ref(recordFirst);
    assert.equal(ref(recordFirst), b);
    assert.deepEqual(getWeakRefs(recordFirst), [plain, b]);

    // A dropped shared Ref on an upgraded record is replaced, and the callback still runs once.
    const upgraded = new Worker('upgraded');
    keep.held.push(upgraded);
    (() => ref(upgraded))();
    keep.held.push(new Ref(upgraded, () => calls.push('upgraded')));
    await collect();
    const again = ref(upgraded);
    assert.equal(ref(upgraded), again);
    assert.equal(getWeakRefCount(upgraded), 2);

    keep.held.push(a, withCallback, b, plain);
    await collect();
    assert.deepEqual(calls, []);
  });

  test('ref() never hands out a subclass instance as the shared Ref', () => {
    class Tagged<T extends object> extends Ref<T> {
      tag = 'extra';
    }
    const target = {};
    const tagged = new Tagged(target);
    assert.equal(tagged.tag, 'extra');
    assert.equal(tagged.deref(), target);
    const shared = ref(target);
    assert.notEqual(shared, tagged);
    assert.equal(shared.constructor, Ref);
  });

  test('a subclass with extra fields and methods works, callback included', async () => {
    const calls: string[] = [];
    class Named<T extends object> extends Ref<T> {
      constructor(target: T, readonly label: string) {
        super(target, (dead) => calls.push((dead as Named<T>).label));
      }
      describe(): string {
        return `${this.label}:${this.deref() === undefined ? 'dead' : 'alive'}`;
      }
    }
    const named = (() => new Named({}, 'first'))();
    keep.held.push(named);
    await collect();
    assert.deepEqual(calls, ['first']);
    assert.equal(named.describe(), 'first:dead');
  });

  test('non-registered symbols are valid targets', async () => {
    const sym = Symbol('token');
    const r = ref(sym);
    assert.equal(r.deref(), sym);
    assert.equal(String(r), '<Ref to Symbol(token)>');
    const calls: unknown[] = [];
    keep.held.push((() => new Ref(Symbol('temp'), (dead) => calls.push(dead)))());
    await collect();
    assert.equal(calls.length, 1);
  });
});

describe('callbacks', () => {
  test('run once, after collection, with the dead Ref; callback is undefined afterwards', async () => {
    const calls: Array<Ref<object>> = [];
    const callback = (dead: Ref<object>) => calls.push(dead);
    const r = (() => new Ref({}, callback))();
    keep.held.push(r);
    assert.equal(r.callback, callback);
    assert.equal(calls.length, 0, 'not before collection');
    await collect();
    assert.deepEqual(calls, [r]);
    assert.equal(calls[0]!.deref(), undefined);
    assert.equal(r.callback, undefined);
    await collect();
    assert.equal(calls.length, 1, 'once only');
  });

  test('do not run while the target is alive', async () => {
    const calls: unknown[] = [];
    const target = {};
    const r = new Ref(target, () => calls.push('ran'));
    await collect();
    assert.equal(calls.length, 0);
    assert.equal(r.deref(), target);
  });

  test('several Refs on one target call back newest first (CPython order)', async () => {
    const order: number[] = [];
    // Made outside the scope that holds `target`: a closure created in a scope whose context
    // captured the target would keep it alive through that context.
    const callbackFor = (i: number) => () => order.push(i);
    const refs = (() => {
      const target = {};
      const made: Array<Ref<object>> = [];
      for (let i = 0; i < 8; i++) made.push(new Ref(target, callbackFor(i)));
      return made;
    })();
    keep.held.push(refs);
    await collect();
    assert.deepEqual(order, [7, 6, 5, 4, 3, 2, 1, 0]);
  });

  test('a dropped Ref never calls back', async () => {
    const calls: string[] = [];
    const target = (() => {
      const t = {};
      new Ref(t, () => calls.push('dropped'));
      keep.held.push(new Ref(t, () => calls.push('kept')));
      return undefined;
    })();
    assert.equal(target, undefined);
    await collect();
    assert.deepEqual(calls, ['kept']);
  });

  test('a Ref that dies in the same collection as its target does not call back', async () => {
    const calls: string[] = [];
    (() => {
      const target = { self: undefined as unknown };
      // The Ref is reachable only from its target: both die together.
      target.self = new Ref(target, () => calls.push('same collection'));
    })();
    await collect();
    assert.deepEqual(calls, []);
  });

  test('a dropped Ref keeps neither itself nor its callback alive', async () => {
    const target = {};
    const probes = (() => {
      const callback = () => {};
      const r = new Ref(target, callback);
      return [new WeakRef(r), new WeakRef(callback)];
    })();
    await collect();
    assert.equal(probes[0]!.deref(), undefined, 'the Ref was collected');
    assert.equal(probes[1]!.deref(), undefined, 'the callback was collected');
    assert.equal(getWeakRefCount(target), 0);
  });

  test('creating and dropping 1,000,000 Refs with callbacks to one long-lived target does not grow the heap', async () => {
    const target = new Worker('long-lived');
    keep.held.push(target);
    const callback = () => {
      throw new Error('a dropped Ref must never call back');
    };
    await collect();
    const before = process.memoryUsage().heapUsed;
    // One synchronous burst is the hard case: every Ref stays alive until the job ends, so a
    // collection in the middle of it finds nothing to prune yet.
    for (let i = 0; i < 1_000_000; i++) new Ref(target, callback);
    await collect();
    await collect();
    const grown = process.memoryUsage().heapUsed - before;
    // A leak keeps ≥ 80 bytes per Ref (its WeakRef and holder): 80 MB. Allow 8 MB of noise.
    assert.ok(grown < 8 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MB`);
    assert.equal(getWeakRefCount(target), 0);
  });

  test('a throwing callback goes to the unraisable hook and the others still run', async () => {
    const reports: Unraisable[] = [];
    const order: string[] = [];
    setUnraisableHook((u) => reports.push(u));
    try {
      const refs = (() => {
        const target = {};
        return [
          new Ref(target, () => order.push('oldest')),
          new Ref(target, () => {
            order.push('thrower');
            throw new Error('boom');
          }),
          new Ref(target, () => order.push('newest')),
        ];
      })();
      keep.held.push(refs);
      await collect();
      assert.deepEqual(order, ['newest', 'thrower', 'oldest']);
      assert.equal(reports.length, 1);
      assert.equal(reports[0]!.kind, 'callback');
      assert.equal(reports[0]!.source, refs[1]);
      assert.equal((reports[0]!.error as Error).message, 'boom');
    } finally {
      setUnraisableHook(undefined);
    }
  });
});

describe('robustness', () => {
  // ref() tells the constructor it is building the shared Ref through module state. A stack overflow
  // landing on that very call once left the state set, and the next Ref anywhere in the program
  // skipped attaching: its callback never ran and it was not counted. Every depth near the limit
  // is tried, so the overflow lands on each statement of ref() in turn.
  test('a stack overflow inside ref() leaves later Refs attached and counted', () => {
    const source = `
      import { Ref, getWeakRefCount, ref } from 'weakref-ts';
      function at(d, f) { return d > 0 ? at(d - 1, f) : f(); }
      let first = -1, throws = 0, lost = 0;
      for (let d = 100; d < 200000 && throws < 300; d += first < 0 ? 50 : 1) {
        let threw = false;
        try { at(d, () => ref({})); } catch { threw = true; }
        if (!threw) continue;
        if (first < 0) { first = d; d -= 60; continue; }
        throws++;
        const t = {};
        new Ref(t, () => {});
        if (getWeakRefCount(t) !== 1) lost++;
      }
      console.log(JSON.stringify({ throws, lost }));`;
    const child = runModule(source, ['--stack-size=300']);
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), { throws: 300, lost: 0 });
  });
});

describe('printing', () => {
  test('String() and util.inspect print <Ref to Worker> and <Ref dead>', async () => {
    const worker = new Worker('Alice');
    const r = ref(worker);
    assert.equal(String(r), '<Ref to Worker>');
    assert.equal(inspect(r), '<Ref to Worker>');
    assert.equal(String(ref(() => {})), '<Ref to function (anonymous)>');
    function namedFn() {}
    assert.equal(String(ref(namedFn)), '<Ref to function namedFn>');
    assert.equal(String(ref(Object.create(null) as object)), '<Ref to Object: null prototype>');
    const dead = (() => new Ref(new Worker('Bob')))();
    await collect();
    assert.equal(String(dead), '<Ref dead>');
    assert.equal(inspect(dead), '<Ref dead>');
    assert.equal(inspect({ r: dead }), '{ r: <Ref dead> }');
  });
});

describe('bad input', () => {
  const bad: Array<[unknown, string]> = [
    [1, 'number'],
    ['s', 'string'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'boolean'],
    [10n, 'bigint'],
    [Symbol.for('registered'), 'registered symbol'],
  ];
  for (const [value, kind] of bad) {
    test(`${kind}: a TypeError that names the kind, from ref, Ref, KeyedRef and getWeakRefCount`, () => {
      const message = `cannot create weak reference to '${kind}' value`;
      assert.throws(() => ref(value as object), { name: 'TypeError', message });
      assert.throws(() => new Ref(value as object), { name: 'TypeError', message });
      assert.throws(() => new KeyedRef(value as object, undefined, 'k'), { name: 'TypeError', message });
      assert.throws(() => getWeakRefCount(value as object), { name: 'TypeError', message });
    });
  }

  test('a callback that is not a function is a TypeError, and nothing is attached', () => {
    const target = {};
    assert.throws(() => new Ref(target, 42 as never), {
      name: 'TypeError',
      message: "Cannot create a Ref: the callback must be a function or undefined, not a 'number' value",
    });
    assert.throws(() => ref(target, 'x' as never), TypeError);
    assert.equal(getWeakRefCount(target), 0);
  });
});

describe('KeyedRef and isRef', () => {
  test('KeyedRef carries its key and is passed to its callback', async () => {
    const seen: Array<[string, unknown]> = [];
    const r = (() => new KeyedRef({}, (dead) => seen.push([dead.key, dead.deref()]), 'alpha'))();
    keep.held.push(r);
    assert.equal(r.key, 'alpha');
    assert.ok(r instanceof Ref);
    await collect();
    assert.deepEqual(seen, [['alpha', undefined]]);
    assert.equal(String(r), '<KeyedRef dead>');
  });

  test('isRef recognises Refs and subclasses only', () => {
    assert.equal(isRef(ref({})), true);
    assert.equal(isRef(new KeyedRef({}, undefined, 1)), true);
    assert.equal(isRef(new WeakRef({})), false);
    assert.equal(isRef(Object.create(Ref.prototype)), false);
    assert.equal(isRef(null), false);
    assert.equal(isRef(1), false);
  });
});
