import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { IterableWeakMap, ref, Ref } from 'weakref-ts';
import { CleanupWitness, collect, gcBeforeCleanup, obj, turns } from './support/coll.js';

type O = { id: number | string };

describe('IterableWeakMap: the Map interface', () => {
  it('is assignable to Map and ReadonlyMap (type check) and tags itself', () => {
    const m = new IterableWeakMap<O, string>();
    const asMap: Map<O, string> = m;
    const asReadonly: ReadonlyMap<O, string> = m;
    assert.equal(asMap, asReadonly);
    assert.equal(Object.prototype.toString.call(m), '[object IterableWeakMap]');
    assert.equal(String(m), '[object IterableWeakMap]');
    assert.equal(m[Symbol.toStringTag], 'IterableWeakMap');
  });

  it('set/get/has/delete/size behave like a Map', () => {
    const a = obj('a');
    const b = obj('b');
    const m = new IterableWeakMap<O, number>();
    assert.equal(m.set(a, 1), m);
    m.set(b, 2);
    assert.equal(m.get(a), 1);
    assert.equal(m.has(b), true);
    assert.equal(m.size, 2);
    assert.equal(m.delete(a), true);
    assert.equal(m.delete(a), false);
    assert.equal(m.has(a), false);
    assert.equal(m.get(a), undefined);
    assert.equal(m.size, 1);
    m.set(a, 3);
    assert.deepEqual([...m.keys()], [b, a]);
  });

  it('keeps insertion order; overwriting keeps the place; delete + set goes last', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new IterableWeakMap<O, string>([[a, 'a'], [b, 'b'], [c, 'c']]);
    m.set(a, 'A');
    assert.deepEqual([...m], [[a, 'A'], [b, 'b'], [c, 'c']]);
    m.delete(b);
    m.set(b, 'B');
    assert.deepEqual([...m.entries()], [[a, 'A'], [c, 'c'], [b, 'B']]);
    assert.deepEqual([...m.values()], ['A', 'c', 'B']);
    assert.deepEqual([...m.keys()], [a, c, b]);
  });

  it('accepts functions and non-registered symbols as keys', () => {
    const f = () => 1;
    const s = Symbol('s');
    const m = new IterableWeakMap<object | symbol, number>([[f, 1], [s, 2]]);
    assert.equal(m.get(f), 1);
    assert.equal(m.get(s), 2);
    assert.equal(m.size, 2);
  });

  it('forEach passes (value, key, map) with thisArg, in order, and lets errors propagate', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new IterableWeakMap<O, string>([[a, 'x'], [b, 'y']]);
    const seen: unknown[] = [];
    const self = { tag: 'this' };
    m.forEach(function (this: unknown, value, key, map) {
      seen.push([value, key, map, this]);
    }, self);
    assert.deepEqual(seen, [['x', a, m, self], ['y', b, m, self]]);
    assert.throws(() => m.forEach(() => { throw new Error('boom'); }), /boom/);
    assert.throws(() => m.forEach(42 as never), { name: 'TypeError', message: /forEach.*'number'/ });
  });

  it('clear() empties it', () => {
    const a = obj(1);
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    m.clear();
    assert.equal(m.size, 0);
    assert.equal(m.has(a), false);
    assert.equal(m.get(a), undefined);
    assert.deepEqual([...m], []);
    m.set(a, 2);
    assert.deepEqual([...m], [[a, 2]]);
  });

  it('iterators are iterable, finish for good, and print a tag', () => {
    const a = obj(1);
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    const it = m.keys();
    assert.equal(it[Symbol.iterator](), it);
    assert.deepEqual(it.next(), { value: a, done: false });
    assert.deepEqual(it.next(), { value: undefined, done: true });
    m.set(obj(2), 2);
    assert.deepEqual(it.next(), { value: undefined, done: true });
    assert.match(Object.prototype.toString.call(m.entries()), /IterableWeakMap Iterator/);
  });

  it('primitive keys in queries are simply absent (like WeakMap), not errors', () => {
    const m = new IterableWeakMap<O, number>();
    assert.equal(m.get(1 as never), undefined);
    assert.equal(m.has('x' as never), false);
    assert.equal(m.delete(Symbol.for('r') as never), false);
    assert.equal(m.pop(null as never), undefined);
  });
});

describe('IterableWeakMap: getOrInsert, Python extras', () => {
  it('getOrInsert returns the present value or stores the given one last', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    assert.equal(m.getOrInsert(a, 9), 1);
    assert.equal(m.getOrInsert(b, 2), 2);
    assert.deepEqual([...m], [[a, 1], [b, 2]]);
  });

  it('getOrInsertComputed calls compute(key) only when absent; a throw changes nothing', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    let calls = 0;
    assert.equal(m.getOrInsertComputed(a, () => ++calls), 1);
    assert.equal(calls, 0);
    assert.equal(m.getOrInsertComputed(b, (key) => { assert.equal(key, b); return 20; }), 20);
    assert.throws(() => m.getOrInsertComputed(c, () => { throw new Error('no'); }), /no/);
    assert.equal(m.has(c), false);
    assert.equal(m.size, 2);
    // compute that stores the key itself: its result wins, the entry is not duplicated
    assert.equal(m.getOrInsertComputed(c, (key) => { m.set(key, 5); return 6; }), 6);
    assert.deepEqual([...m], [[a, 1], [b, 20], [c, 6]]);
    assert.throws(() => m.getOrInsertComputed(obj(4), 'x' as never), TypeError);
  });

  it('setDefault is Python setdefault', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    assert.equal(m.setDefault(a, 7), 1);
    assert.equal(m.setDefault(b, 7), 7);
    assert.equal(m.get(b), 7);
  });

  it('pop(key) and pop(key, fallback), by argument count', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new IterableWeakMap<O, number | undefined>([[a, 1], [b, undefined]]);
    assert.equal(m.pop(a), 1);
    assert.equal(m.has(a), false);
    assert.equal(m.pop(a), undefined);
    assert.equal(m.pop(a, 'fallback'), 'fallback');
    assert.equal(m.pop(a, undefined), undefined);
    assert.equal(m.pop(b, 'fallback'), undefined, 'a present undefined value is returned, not the fallback');
    assert.equal(m.size, 0);
  });

  it('popItem returns the newest entry; overwriting does not move a key', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new IterableWeakMap<O, string>([[a, 'a'], [b, 'b'], [c, 'c']]);
    m.set(c, 'C');
    m.set(a, 'A');
    assert.deepEqual(m.popItem(), [c, 'C']);
    assert.deepEqual(m.popItem(), [b, 'b']);
    assert.deepEqual(m.popItem(), [a, 'A']);
    assert.equal(m.popItem(), undefined);
    assert.equal(m.size, 0);
  });

  it('popItem drains 100k entries in linear time order (newest first)', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => obj(i));
    const m = new IterableWeakMap<O, number>();
    keys.forEach((k, i) => m.set(k, i));
    let expected = keys.length - 1;
    for (let item = m.popItem(); item !== undefined; item = m.popItem()) {
      assert.equal(item[1], expected--);
    }
    assert.equal(expected, -1);
  });

  it('update returns this and applies in order; copy is independent and ordered', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    assert.equal(m.update([[b, 2], [a, 10], [c, 3]]), m);
    assert.deepEqual([...m], [[a, 10], [b, 2], [c, 3]]);
    const copy = m.copy();
    assert.ok(copy instanceof IterableWeakMap);
    assert.notEqual(copy, m);
    assert.deepEqual([...copy], [...m]);
    copy.delete(a);
    assert.equal(m.has(a), true);
  });

  it('keyRefs returns the shared ref() of each live key, in order', () => {
    const [a, b] = [obj(1), obj(2)];
    const m = new IterableWeakMap<O, number>([[a, 1], [b, 2]]);
    const refs = m.keyRefs();
    assert.equal(refs.length, 2);
    assert.ok(refs[0] instanceof Ref);
    assert.equal(refs[0], ref(a));
    assert.equal(refs[1]?.deref(), b);
  });
});

describe('IterableWeakMap: bad input leaves it unchanged', () => {
  const message = /cannot create weak reference to '(number|string|registered symbol|null|undefined|boolean|bigint)' value/;

  it('set / getOrInsert / getOrInsertComputed / setDefault reject keys that cannot be held weakly', () => {
    const a = obj(1);
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    for (const bad of [1, 'k', Symbol.for('reg'), null, undefined, true, 1n]) {
      assert.throws(() => m.set(bad as never, 2), { name: 'TypeError', message });
      assert.throws(() => m.getOrInsert(bad as never, 2), { name: 'TypeError', message });
      assert.throws(() => m.getOrInsertComputed(bad as never, () => 2), { name: 'TypeError', message });
      assert.throws(() => m.setDefault(bad as never, 2), { name: 'TypeError', message });
    }
    assert.throws(() => m.set(1 as never, 2), { message: "cannot create weak reference to 'number' value" });
    assert.deepEqual([...m], [[a, 1]]);
    assert.equal(m.size, 1);
  });

  it('the constructor and update are all-or-nothing', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    assert.throws(() => new IterableWeakMap<O, number>([[a, 1], ['b' as never, 2]]), { name: 'TypeError', message: /'string'/ });
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    assert.throws(() => m.update([[b, 2], [a, 100], [42 as never, 3], [c, 4]]), { name: 'TypeError', message: /'number'/ });
    assert.deepEqual([...m], [[a, 1]]);
    assert.throws(() => m.update([[b, 2], 7 as never]), { name: 'TypeError', message: /not an entry object/ });
    assert.deepEqual([...m], [[a, 1]]);
    assert.throws(() => m.update(5 as never), { name: 'TypeError', message: /'number'/ });
    assert.throws(() => new IterableWeakMap<O, number>(3 as never), TypeError);
    assert.equal(new IterableWeakMap(null).size, 0);
  });
});

describe('IterableWeakMap: util.inspect', () => {
  it('prints like a Map, with the class name and live entries only', () => {
    const a = obj(1);
    const m = new IterableWeakMap<O, string>([[a, 'a']]);
    assert.equal(inspect(m), "IterableWeakMap(1) { { id: 1 } => 'a' }");
    assert.equal(inspect(new IterableWeakMap()), 'IterableWeakMap(0) {}');
    assert.equal(inspect({ x: { y: { z: m } } }), '{ x: { y: { z: [IterableWeakMap] } } }');
    assert.equal(inspect(m, { depth: 0 }), "IterableWeakMap(1) { [Object] => 'a' }");
  });

  it('prints a map that contains itself without recursing for ever', () => {
    const a = obj(1);
    const m = new IterableWeakMap<O, unknown>();
    m.set(a, m);
    assert.equal(inspect(m, { depth: null }), 'IterableWeakMap(1) { { id: 1 } => [Circular IterableWeakMap] }');
  });

  it('does not print collected entries', async () => {
    const a = obj('kept');
    const m = new IterableWeakMap<O, string>([[a, 'kept']]);
    (() => {
      m.set(obj('gone'), 'gone');
    })();
    await collect();
    assert.equal(inspect(m), "IterableWeakMap(1) { { id: 'kept' } => 'kept' }");
    assert.equal(a.id, 'kept');
  });
});

describe('IterableWeakMap under real GC', () => {
  it('size is exact after collect(): only entries whose key lives', async () => {
    const kept = Array.from({ length: 50 }, (_, i) => obj(i));
    const m = new IterableWeakMap<O, number>();
    (() => {
      for (let i = 0; i < 100; i++) {
        m.set(obj(`tmp${i}`), i);
        m.set(kept[i % 50]!, i);
      }
    })();
    await collect();
    assert.equal(m.size, 50);
    assert.deepEqual([...m.keys()], kept);
  });

  it('iteration, keyRefs and popItem skip a dead key at once, before any cleanup ran', async () => {
    const a = obj('a');
    const m = new IterableWeakMap<O, string>([[a, 'a']]);
    const witness = new CleanupWitness();
    (() => {
      const doomed = obj('doomed');
      witness.watch(doomed);
      m.set(doomed, 'doomed');
    })();
    await gcBeforeCleanup();
    assert.equal(witness.fired, false, 'the check must run before finalization callbacks');
    assert.deepEqual([...m], [[a, 'a']]);
    assert.equal(m.keyRefs().length, 1);
    let count = 0;
    m.forEach(() => count++);
    assert.equal(count, 1);
    assert.deepEqual(m.popItem(), [a, 'a']);
    assert.equal(m.popItem(), undefined);
    assert.equal(witness.fired, false);
  });

  it('size drops to the live count once the engine ran its finalization callbacks (no collect)', async () => {
    const a = obj('a');
    const m = new IterableWeakMap<O, number>([[a, 1]]);
    const witness = new CleanupWitness();
    (() => {
      for (let i = 0; i < 10; i++) {
        const o = obj(i);
        witness.watch(o);
        m.set(o, i);
      }
    })();
    await gcBeforeCleanup();
    for (let i = 0; i < 20 && !witness.fired; i++) await turns(1);
    assert.equal(witness.fired, true);
    // The library's own registry is a different one: V8 cleans one dirty registry per task.
    await turns(4);
    assert.equal(m.size, 1);
    assert.equal(m.get(a), 1);
  });

  it('ephemeron: a value that references its own key does not keep the entry alive', async () => {
    const m = new IterableWeakMap<O, { owner: O; self?: unknown }>();
    const witness = new CleanupWitness();
    (() => {
      for (let i = 0; i < 100; i++) {
        const key = obj(i);
        witness.watch(key);
        m.set(key, { owner: key });
      }
    })();
    assert.equal(m.size, 100);
    await collect();
    await turns(4); // the witness's own registry may be cleaned a task after the library's
    assert.equal(witness.fired, true, 'the keys were collected');
    assert.equal(m.size, 0);
    assert.deepEqual([...m], []);
  });

  it('an unfinished iterator keeps no entry alive and carries on with the live ones', async () => {
    const a = obj('a');
    const m = new IterableWeakMap<O, string>();
    const it = (() => {
      m.set(obj('first'), 'first');
      m.set(a, 'a');
      const iterator = m.keys();
      assert.equal(iterator.next().value?.id, 'first');
      return iterator;
    })();
    await collect();
    assert.equal(m.size, 1);
    assert.deepEqual(it.next(), { value: a, done: false });
    assert.equal(it.next().done, true);
  });

  it('dead entries are swept by collect(), on size, and amortized on insert', async () => {
    const m = new IterableWeakMap<O, number>();
    (() => {
      for (let i = 0; i < 1000; i++) m.set(obj(i), i);
    })();
    await collect();
    const survivors = Array.from({ length: 10 }, (_, i) => obj(i));
    for (const s of survivors) m.set(s, 0);
    assert.equal(m.size, 10);
    assert.deepEqual([...m.keys()], survivors);
  });
});

describe('IterableWeakMap: changes during iteration behave like Map', () => {
  function run(mutate: (m: IterableWeakMap<O, number>, keys: O[], step: number) => void): number[] {
    const keys = Array.from({ length: 5 }, (_, i) => obj(i));
    const m = new IterableWeakMap<O, number>(keys.map((k, i) => [k, i] as const));
    const native = new Map<O, number>(keys.map((k, i) => [k, i] as const));
    const seen: number[] = [];
    const nativeSeen: number[] = [];
    let step = 0;
    for (const [, v] of m) { seen.push(v); mutate(m, keys, step++); }
    step = 0;
    for (const [, v] of native) { nativeSeen.push(v); mutate(native as never, keys, step++); }
    assert.deepEqual(seen, nativeSeen);
    assert.deepEqual([...m.values()], [...native.values()]);
    return seen;
  }

  it('visits entries added during iteration', () => {
    const added: O[] = [];
    const seen = run((m, _k, step) => {
      if (step < 3) { const o = obj(10 + step); added.push(o); m.set(o, 10 + step); }
    });
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 10, 11, 12]);
  });

  it('skips entries deleted before they are reached; survives deleting the current one', () => {
    assert.deepEqual(run((m, k, step) => { if (step === 0) { m.delete(k[1]!); m.delete(k[0]!); } }), [0, 2, 3, 4]);
    assert.deepEqual(run((m, k, step) => { m.delete(k[step]!); }), [0, 1, 2, 3, 4]);
    assert.deepEqual(run((m, k, step) => { if (step === 1) { m.delete(k[1]!); m.delete(k[2]!); m.delete(k[3]!); m.delete(k[4]!); m.set(k[2]!, 22); } }), [0, 1, 22]);
  });

  it('continues with what is added after clear()', () => {
    const late = obj(99);
    assert.deepEqual(run((m, k, step) => { if (step === 1) { m.clear(); m.set(late, 99); m.set(k[0]!, 100); } }), [0, 1, 99, 100]);
  });

  it('deleting the last entry then adding visits the new one', () => {
    const late = obj(50);
    assert.deepEqual(run((m, k, step) => { if (step === 0) { m.delete(k[4]!); m.delete(k[3]!); m.set(late, 50); } }), [0, 1, 2, 50]);
  });

  it('overwriting during iteration neither moves nor revisits', () => {
    assert.deepEqual(run((m, k, step) => { if (step === 2) { m.set(k[0]!, 100); m.set(k[2]!, 200); m.set(k[4]!, 400); } }), [0, 1, 2, 3, 400]);
  });

  it('popItem during iteration', () => {
    assert.deepEqual(run((m, k, step) => { if (step === 0) { if (m instanceof IterableWeakMap) m.popItem(); else (m as Map<O, number>).delete(k[4]!); } }), [0, 1, 2, 3]);
  });
});
