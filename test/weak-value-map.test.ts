import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { KeyedRef, WeakValueMap } from 'weakref-ts';
import { CleanupWitness, collect, gcBeforeCleanup, obj, turns } from './support/coll.js';

type O = { id: number | string };

describe('WeakValueMap: the Map interface', () => {
  it('is assignable to Map and ReadonlyMap (type check) and tags itself', () => {
    const m = new WeakValueMap<string, O>();
    const asMap: Map<string, O> = m;
    const asReadonly: ReadonlyMap<string, O> = m;
    assert.equal(asMap, asReadonly);
    assert.equal(String(m), '[object WeakValueMap]');
    assert.equal(m[Symbol.toStringTag], 'WeakValueMap');
  });

  it('set/get/has/delete/size behave like a Map; keys may be anything', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new WeakValueMap<unknown, O>();
    assert.equal(m.set('a', a), m);
    m.set(0, b);
    m.set(NaN, c);
    assert.equal(m.get('a'), a);
    assert.equal(m.get(-0), b, 'SameValueZero like Map');
    assert.equal(m.has(NaN), true);
    assert.equal(m.size, 3);
    assert.equal(m.delete(0), true);
    assert.equal(m.delete(0), false);
    assert.equal(m.get(0), undefined);
    assert.equal(m.size, 2);
  });

  it('keeps insertion order; overwriting a live entry keeps its place; delete + set goes last', () => {
    const [a, b, c, d] = [obj(1), obj(2), obj(3), obj(4)];
    const m = new WeakValueMap<string, O>([['a', a], ['b', b], ['c', c]]);
    m.set('a', d);
    assert.deepEqual([...m], [['a', d], ['b', b], ['c', c]]);
    m.set('a', d);
    assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
    m.delete('b');
    m.set('b', b);
    assert.deepEqual([...m.entries()], [['a', d], ['c', c], ['b', b]]);
    assert.deepEqual([...m.values()], [d, c, b]);
  });

  it('forEach passes (value, key, map) with thisArg and lets errors propagate', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new WeakValueMap<string, O>([['x', a], ['y', b]]);
    const seen: unknown[] = [];
    const self = {};
    m.forEach(function (this: unknown, value, key, map) {
      seen.push([value, key, map, this]);
    }, self);
    assert.deepEqual(seen, [[a, 'x', m, self], [b, 'y', m, self]]);
    assert.throws(() => m.forEach(() => { throw new RangeError('boom'); }), RangeError);
    assert.throws(() => m.forEach(null as never), TypeError);
  });

  it('clear() empties it', () => {
    const a = obj(1);
    const m = new WeakValueMap<string, O>([['a', a]]);
    m.clear();
    assert.equal(m.size, 0);
    assert.equal(m.get('a'), undefined);
    assert.deepEqual([...m], []);
  });
});

describe('WeakValueMap: getOrInsert, Python extras', () => {
  it('getOrInsert / setDefault return the live value or store the given one last', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new WeakValueMap<string, O>([['a', a]]);
    assert.equal(m.getOrInsert('a', b), a);
    assert.equal(m.getOrInsert('b', b), b);
    assert.equal(m.setDefault('a', c), a);
    assert.equal(m.setDefault('c', c), c);
    assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
  });

  it('getOrInsertComputed: compute(key) only when absent; a throw or a bad result changes nothing', () => {
    const a = obj(1);
    const m = new WeakValueMap<string, O>([['a', a]]);
    let calls = 0;
    assert.equal(m.getOrInsertComputed('a', () => { calls++; return obj(9); }), a);
    assert.equal(calls, 0);
    const made = m.getOrInsertComputed('b', (key) => obj(key));
    assert.deepEqual(made, { id: 'b' });
    assert.equal(m.get('b'), made);
    assert.throws(() => m.getOrInsertComputed('c', () => { throw new Error('no'); }), /no/);
    assert.throws(() => m.getOrInsertComputed('c', () => 42 as never), { name: 'TypeError', message: "cannot create weak reference to 'number' value" });
    assert.equal(m.has('c'), false);
    assert.equal(m.size, 2);
    const inner = obj('inner');
    const outer = m.getOrInsertComputed('c', (key) => { m.set(key, inner); return obj('outer'); });
    assert.equal(m.get('c'), outer);
    assert.deepEqual([...m.keys()], ['a', 'b', 'c']);
  });

  it('pop(key) and pop(key, fallback)', () => {
    const a = obj(1);
    const m = new WeakValueMap<string, O>([['a', a]]);
    assert.equal(m.pop('a'), a);
    assert.equal(m.pop('a'), undefined);
    assert.equal(m.pop('a', 'fb'), 'fb');
    assert.equal(m.pop('a', undefined), undefined);
    assert.equal(m.size, 0);
  });

  it('popItem returns the newest entry; overwriting does not move a key', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new WeakValueMap<string, O>([['a', a], ['b', b]]);
    m.set('a', c);
    assert.deepEqual(m.popItem(), ['b', b]);
    assert.deepEqual(m.popItem(), ['a', c]);
    assert.equal(m.popItem(), undefined);
  });

  it('update returns this and is ordered; copy is independent', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new WeakValueMap<string, O>([['a', a]]);
    assert.equal(m.update(new Map([['b', b], ['a', c]])), m);
    assert.deepEqual([...m], [['a', c], ['b', b]]);
    const copy = m.copy();
    assert.ok(copy instanceof WeakValueMap);
    assert.deepEqual([...copy], [...m]);
    copy.clear();
    assert.equal(m.size, 2);
  });

  it('valueRefs returns a new KeyedRef per live entry, carrying its key', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new WeakValueMap<string, O>([['a', a], ['b', b]]);
    const refs = m.valueRefs();
    assert.equal(refs.length, 2);
    assert.ok(refs[0] instanceof KeyedRef);
    assert.equal(refs[0]?.key, 'a');
    assert.equal(refs[0]?.deref(), a);
    assert.equal(refs[1]?.key, 'b');
    assert.notEqual(m.valueRefs()[0], refs[0]);
  });
});

describe('WeakValueMap: bad input leaves it unchanged', () => {
  it('set / getOrInsert / setDefault reject values that cannot be held weakly, naming the kind', () => {
    const a = obj(1);
    const m = new WeakValueMap<string, O>([['a', a]]);
    for (const [bad, kind] of [[1, 'number'], ['s', 'string'], [Symbol.for('r'), 'registered symbol'], [null, 'null'], [undefined, 'undefined']] as const) {
      const message = `cannot create weak reference to '${kind}' value`;
      assert.throws(() => m.set('a', bad as never), { name: 'TypeError', message });
      assert.throws(() => m.set('new', bad as never), { name: 'TypeError', message });
      assert.throws(() => m.getOrInsert('new', bad as never), { name: 'TypeError', message });
      assert.throws(() => m.setDefault('a', bad as never), { name: 'TypeError', message });
    }
    assert.deepEqual([...m], [['a', a]]);
  });

  it('the constructor and update are all-or-nothing', () => {
    const [a, b] = [obj(1), obj(2)];
    assert.throws(() => new WeakValueMap<string, O>([['a', a], ['b', 2 as never]]), { name: 'TypeError', message: /'number'/ });
    const m = new WeakValueMap<string, O>([['a', a]]);
    assert.throws(() => m.update([['b', b], ['a', b], ['c', 'x' as never]]), { name: 'TypeError', message: /'string'/ });
    assert.deepEqual([...m], [['a', a]]);
    assert.throws(() => m.update([['b', b], null as never]), { name: 'TypeError', message: /not an entry object/ });
    assert.deepEqual([...m], [['a', a]]);
    assert.throws(() => m.update(undefined as never), TypeError);
  });
});

describe('WeakValueMap: util.inspect', () => {
  it('prints like a Map, with the class name and live entries only', async () => {
    const a = obj(1);
    const m = new WeakValueMap<string, O>([['a', a]]);
    (() => {
      m.set('gone', obj('gone'));
    })();
    await collect();
    assert.equal(inspect(m), "WeakValueMap(1) { 'a' => { id: 1 } }");
    assert.equal(inspect(new WeakValueMap()), 'WeakValueMap(0) {}');
  });
});

describe('WeakValueMap under real GC', () => {
  it('size is exact after collect(), and the dead entries are gone (keys released)', async () => {
    const kept = Array.from({ length: 50 }, (_, i) => obj(i));
    const m = new WeakValueMap<string, O>();
    (() => {
      for (let i = 0; i < 100; i++) m.set(`tmp${i}`, obj(i));
      kept.forEach((o, i) => m.set(`kept${i}`, o));
    })();
    await collect();
    assert.equal(m.size, 50);
    assert.deepEqual([...m.values()], kept);
  });

  // A sweep that meets more dead entries than live ones rebuilds the key index from the survivors
  // instead of deleting the dead keys one by one; the index must come out exactly right.
  it('a mass death (more dead than live, thousands) leaves exactly the live keys, in order', { timeout: 120_000 }, async () => {
    const kept: O[] = [];
    const m = new WeakValueMap<string, O>();
    (() => {
      for (let i = 0; i < 6000; i++) {
        if (i % 7 === 3) {
          const o = obj(i);
          kept.push(o);
          m.set(`k${i}`, o);
        } else {
          m.set(`k${i}`, obj(i));
        }
      }
      // An overwritten live entry keeps its place; its replaced node must not come back.
      m.set('k3', kept[0]!);
    })();
    await collect();
    const liveKeys = kept.map((o) => `k${o.id}`);
    assert.equal(m.size, kept.length);
    assert.deepEqual([...m.keys()], liveKeys);
    for (let i = 0; i < 6000; i++) assert.equal(m.has(`k${i}`), i % 7 === 3, `k${i}`);
    // The index holds the survivors' nodes: deleting and re-setting them works, and a dead key is free.
    assert.equal(m.delete('k10'), true);
    m.set('k0', kept[1]!);
    assert.deepEqual([...m.keys()].slice(-2), [liveKeys.at(-1), 'k0']);
    assert.equal(m.size, kept.length);

    // And the dead entries' keys are released: object keys of a mass death get collected.
    const byObject = new WeakValueMap<object, O>();
    const keyRefs = (() => {
      const refs: WeakRef<object>[] = [];
      for (let i = 0; i < 3000; i++) {
        const key = { key: i };
        if (i % 1000 === 0) refs.push(new WeakRef(key));
        byObject.set(key, obj(i));
      }
      return refs;
    })();
    await collect();
    assert.equal(byObject.size, 0);
    assert.deepEqual(keyRefs.map((r) => r.deref()), [undefined, undefined, undefined]);
  });

  // The same rebuild, started by the insert that crosses the sweep threshold: the new entry must be
  // in the rebuilt index (it once was indexed before it was linked, and the rebuild dropped it).
  it('an insert that sweeps a mass death keeps the inserted entry', { timeout: 120_000 }, async () => {
    const m = new WeakValueMap<string, O>();
    // Inserts sweep when the count reaches the threshold, which doubles from 64: 8192 entries put
    // the next insert exactly on it.
    (() => {
      for (let i = 0; i < 8192; i++) m.set(`dead${i}`, obj(i));
    })();
    await gcBeforeCleanup(); // the values die
    await turns(8); // the library's finalization batch runs: the GC epoch advances
    const fresh = obj('fresh');
    m.set('fresh', fresh);
    assert.equal(m.get('fresh'), fresh);
    assert.equal(m.has('fresh'), true);
    assert.deepEqual([...m.keys()], ['fresh']);
    assert.equal(m.size, 1);
    assert.equal(m.delete('fresh'), true);
    assert.equal(m.size, 0);
  });

  it('get/has/iteration/popItem treat a dead entry as absent at once, before any cleanup ran', async () => {
    const a = obj('a');
    const m = new WeakValueMap<string, O>([['a', a]]);
    const witness = new CleanupWitness();
    (() => {
      const doomed = obj('doomed');
      witness.watch(doomed);
      m.set('doomed', doomed);
      m.set('also', obj('also'));
    })();
    await gcBeforeCleanup();
    assert.equal(witness.fired, false, 'the check must run before finalization callbacks');
    assert.equal(m.get('doomed'), undefined);
    assert.equal(m.has('also'), false);
    assert.equal(m.delete('also'), false, 'a dead entry counts as absent');
    assert.equal(m.pop('doomed', 'fb'), 'fb');
    assert.deepEqual([...m], [['a', a]]);
    assert.equal(m.valueRefs().length, 1);
    assert.equal(m.size, 1, 'reads that met the dead entries dropped them');
    assert.deepEqual(m.popItem(), ['a', a]);
    assert.equal(witness.fired, false);
  });

  it('popItem skips dead newer entries before any cleanup ran', async () => {
    const a = obj('a');
    const m = new WeakValueMap<string, O>([['a', a]]);
    (() => {
      for (let i = 0; i < 5; i++) m.set(`dead${i}`, obj(i));
    })();
    await gcBeforeCleanup();
    assert.deepEqual(m.popItem(), ['a', a]);
    assert.equal(m.popItem(), undefined);
    assert.equal(m.size, 0);
  });

  it('setting a key whose value died (cleanup pending) is an insertion: the entry goes last', async () => {
    const [a, b] = [obj('a'), obj('b')];
    const m = new WeakValueMap<string, O>();
    (() => {
      m.set('x', obj('dies'));
      m.set('a', a);
    })();
    await gcBeforeCleanup();
    m.set('x', b);
    assert.deepEqual([...m.keys()], ['a', 'x']);
    await collect();
    assert.equal(m.get('x'), b);
    assert.equal(m.size, 2);
  });

  it('size drops to the live count once the engine ran its finalization callbacks (no collect)', async () => {
    const a = obj('a');
    const m = new WeakValueMap<number, O>([[0, a]]);
    const witness = new CleanupWitness();
    (() => {
      for (let i = 1; i <= 10; i++) {
        const o = obj(i);
        witness.watch(o);
        m.set(i, o);
      }
    })();
    await gcBeforeCleanup();
    for (let i = 0; i < 20 && !witness.fired; i++) await turns(1);
    assert.equal(witness.fired, true);
    await turns(4);
    assert.equal(m.size, 1);
  });

  it('inserts sweep dead entries (amortized), releasing the keys they held, without size or collect()', async () => {
    const m = new WeakValueMap<object, O>();
    const keyWitness = new CleanupWitness();
    const live = Array.from({ length: 200 }, (_, i) => obj(i));
    (() => {
      for (let i = 0; i < 100; i++) {
        const key = { key: i };
        keyWitness.watch(key);
        m.set(key, obj(i));
      }
    })();
    await gcBeforeCleanup(); // the values die; the map still holds the keys
    await turns(8); // the library's finalization batch runs: the GC epoch advances
    live.forEach((o) => m.set({ live: o }, o)); // crossing the sweep threshold drops the dead entries
    await gcBeforeCleanup();
    for (let i = 0; i < 20 && !keyWitness.fired; i++) await turns(1);
    assert.equal(keyWitness.fired, true, 'the keys of dead entries were released by an insert');
    assert.equal(m.size, 200);
  });

  it('an unfinished iterator keeps no value alive', async () => {
    const a = obj('a');
    const m = new WeakValueMap<string, O>();
    const it = (() => {
      m.set('first', obj('first'));
      m.set('a', a);
      const iterator = m.values();
      assert.equal(iterator.next().value?.id, 'first');
      return iterator;
    })();
    await collect();
    assert.equal(m.size, 1);
    assert.deepEqual(it.next(), { value: a, done: false });
  });

  it('the values of a live entry survive collect() (nothing is lost)', async () => {
    const kept = Array.from({ length: 100 }, (_, i) => obj(i));
    const m = new WeakValueMap<number, O>(kept.map((o, i) => [i, o] as const));
    await collect();
    assert.equal(m.size, 100);
    kept.forEach((o, i) => assert.equal(m.get(i), o));
  });
});

describe('WeakValueMap: changes during iteration behave like Map', () => {
  it('adds are visited, deletes ahead skipped, overwrites neither move nor revisit, clear continues', () => {
    const objs = Array.from({ length: 6 }, (_, i) => obj(i));
    const script = (m: Map<number, O>, step: number): void => {
      if (step === 0) { m.delete(1); m.set(5, objs[5]!); }
      if (step === 1) { m.set(0, objs[4]!); m.set(3, objs[4]!); }
      if (step === 2) { m.clear(); m.set(9, objs[0]!); }
    };
    const mine = new WeakValueMap<number, O>(objs.slice(0, 4).map((o, i) => [i, o] as const));
    const native = new Map<number, O>(objs.slice(0, 4).map((o, i) => [i, o] as const));
    const seen: unknown[] = [];
    const nativeSeen: unknown[] = [];
    let step = 0;
    for (const entry of mine) { seen.push(entry); script(mine, step++); }
    step = 0;
    for (const entry of native) { nativeSeen.push(entry); script(native, step++); }
    assert.deepEqual(seen, nativeSeen);
    assert.deepEqual([...mine], [...native]);
  });

  it('overwriting the entry the iterator stands on does not revisit it', () => {
    const objs = Array.from({ length: 4 }, (_, i) => obj(i));
    const fresh = Array.from({ length: 4 }, (_, i) => obj(`new${i}`));
    const m = new WeakValueMap<number, O>(objs.map((o, i) => [i, o] as const));
    const seen: number[] = [];
    for (const [key] of m) {
      seen.push(key);
      m.set(key, fresh[key]!);
      if (seen.length > 10) break;
    }
    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.deepEqual([...m.values()], fresh);
  });

  it('deleting the entry the iterator stands on, then the rest, then adding: only the new one follows', () => {
    const objs = Array.from({ length: 4 }, (_, i) => obj(i));
    const late = obj('late');
    const m = new WeakValueMap<number, O>(objs.map((o, i) => [i, o] as const));
    const seen: number[] = [];
    for (const [key] of m) {
      seen.push(key);
      if (key === 1) {
        m.delete(1);
        m.delete(3);
        m.delete(2);
        m.set(9, late);
      }
    }
    assert.deepEqual(seen, [0, 1, 9]);
  });
});

describe('WeakValueMap: seeded random mutation during iteration matches Map', () => {
  it('3000 random programs of set/overwrite/delete/clear/popItem while iterating', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = Array.from({ length: 12 }, (_, i) => obj(i));
    for (let program = 0; program < 3000; program++) {
      const mine = new WeakValueMap<number, O>();
      const model = new Map<number, O>();
      for (let i = 0; i < random(8); i++) {
        const [k, v] = [random(8), pool[random(12)]!];
        mine.set(k, v);
        model.set(k, v);
      }
      const mineIt = mine.entries();
      const modelIt = model.entries();
      for (let step = 0; step < 30; step++) {
        const a = mineIt.next();
        const b = modelIt.next();
        assert.deepEqual(a, b, `program ${program} step ${step}`);
        if (b.done) break;
        const op = random(10);
        const k = random(8);
        if (op < 4) {
          const v = pool[random(12)]!;
          mine.set(k, v);
          model.set(k, v);
        } else if (op < 7) {
          assert.equal(mine.delete(k), model.delete(k));
        } else if (op === 7) {
          mine.clear();
          model.clear();
        } else if (op === 8) {
          const last = [...model][model.size - 1];
          assert.deepEqual(mine.popItem(), last);
          if (last) model.delete(last[0]);
        }
      }
      assert.deepEqual([...mine], [...model]);
    }
  });
});
