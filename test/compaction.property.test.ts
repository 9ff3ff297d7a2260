// The collections keep their order in an array that leaves an empty slot per removal and is
// compacted once empty slots outnumber live ones (src/internal/weak-list.ts). Open iterators must
// then carry on exactly as Map/Set iterators do across Map's own rehashing. The model-based
// programs elsewhere use at most a dozen keys, too few to ever compact; these use hundreds, remove
// in bulk, and keep several iterators open across many compactions. Then the same under real GC:
// a mass death swept by collect() compacts under an iterator that stands in the middle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IterableWeakMap, IterableWeakSet, WeakValueMap } from 'weakref-ts';
import { collect } from './support/coll.js';

const KEYS = 300;
type O = { id: number };
const pool: O[] = Array.from({ length: KEYS }, (_, id) => ({ id }));

type Op =
  | { op: 'set'; k: number; v: number }
  | { op: 'fill'; lo: number; len: number; v: number }
  | { op: 'del'; k: number }
  | { op: 'delRange'; lo: number; len: number }
  | { op: 'clear' }
  | { op: 'pop' }
  | { op: 'size' }
  | { op: 'open' }
  | { op: 'next'; i: number; m: number };

const k = fc.nat(KEYS - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), k, v: fc.nat(KEYS - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fill' as const), lo: k, len: fc.nat(KEYS), v: fc.nat(KEYS - 1) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('del' as const), k }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delRange' as const), lo: k, len: fc.nat(KEYS) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'pop' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'size' as const }) },
  { weight: 2, arbitrary: fc.constant({ op: 'open' as const }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('next' as const), i: fc.nat(3), m: fc.nat(120) }) },
);

/** One collection and its model; each method acts on both and returns both answers. */
interface Pair {
  set(i: number, v: number): void;
  delete(i: number): [boolean, boolean];
  /** The collection's popItem/pop, and the model's newest entry (removed from the model). */
  pop(): [unknown, unknown];
  clear(): void;
  size(): [number, number];
  /** A fresh iterator on each side. */
  open(): [Iterator<unknown>, Iterator<unknown>];
  /** Full contents of each side, in order. */
  contents(): [unknown[], unknown[]];
}

function keyRange(lo: number, len: number): number[] {
  return Array.from({ length: Math.min(len, KEYS - lo) }, (_, i) => lo + i);
}

function apply(pair: Pair, op: Exclude<Op, { op: 'open' | 'next' }>): void {
  const del = (i: number): void => assert.equal(...pair.delete(i));
  switch (op.op) {
    case 'set':
      return pair.set(op.k, op.v);
    case 'fill':
      return keyRange(op.lo, op.len).forEach((i) => pair.set(i, (op.v + i) % KEYS));
    case 'del':
      return del(op.k);
    case 'delRange':
      return keyRange(op.lo, op.len).forEach(del);
    case 'clear':
      return pair.clear();
    case 'pop':
      return assert.deepEqual(...pair.pop());
    case 'size':
      return assert.equal(...pair.size());
  }
}

function iterableWeakSetPair(): Pair {
  const mine = new IterableWeakSet<O>();
  const model = new Set<O>();
  return {
    set: (i) => (mine.add(pool[i]!), model.add(pool[i]!), undefined),
    delete: (i) => [mine.delete(pool[i]!), model.delete(pool[i]!)],
    pop() {
      const last = [...model].at(-1);
      if (last !== undefined) model.delete(last);
      return [mine.pop(), last];
    },
    clear: () => (mine.clear(), model.clear()),
    size: () => [mine.size, model.size],
    open: () => [mine.values(), model.values()],
    contents: () => [[...mine], [...model]],
  };
}

function mapPair(mine: Map<unknown, unknown> & { popItem(): [unknown, unknown] | undefined }, key: (i: number) => unknown, value: (v: number) => unknown): Pair {
  const model = new Map<unknown, unknown>();
  return {
    set: (i, v) => (mine.set(key(i), value(v)), model.set(key(i), value(v)), undefined),
    delete: (i) => [mine.delete(key(i)), model.delete(key(i))],
    pop() {
      const last = [...model].at(-1);
      if (last !== undefined) model.delete(last[0]);
      return [mine.popItem(), last];
    },
    clear: () => (mine.clear(), model.clear()),
    size: () => [mine.size, model.size],
    open: () => [mine.entries(), model.entries()],
    contents: () => [[...mine], [...model]],
  };
}

const pairs: Array<[string, () => Pair]> = [
  ['IterableWeakSet', iterableWeakSetPair],
  ['IterableWeakMap', () => mapPair(new IterableWeakMap<O, number>() as never, (i) => pool[i], (v) => v)],
  ['WeakValueMap', () => mapPair(new WeakValueMap<number, O>() as never, (i) => i, (v) => pool[v])],
];

describe('iterators across compactions behave like Map/Set iterators', () => {
  for (const [name, makePair] of pairs) {
    it(`${name}: 300 random programs of bulk inserts and removals with up to 4 open iterators`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 20, maxLength: 80, size: 'max' }), (ops) => {
          const pair = makePair();
          const open: Array<[Iterator<unknown>, Iterator<unknown>]> = [];
          for (const op of ops) {
            if (op.op === 'open') {
              if (open.length < 4) open.push(pair.open());
            } else if (op.op === 'next') {
              if (open.length === 0) continue;
              const its = open[op.i % open.length]!;
              for (let j = 0; j < op.m; j++) {
                const expected: IteratorResult<unknown> = its[1].next();
                assert.deepEqual(its[0].next(), expected);
                if (expected.done) break;
              }
            } else {
              apply(pair, op);
            }
          }
          for (const [mine, model] of open) {
            for (;;) {
              const expected: IteratorResult<unknown> = model.next();
              assert.deepEqual(mine.next(), expected);
              if (expected.done) break;
            }
          }
          const [mine, model] = pair.contents();
          assert.deepEqual(mine, model);
        }),
        { seed: 20261123, numRuns: 300 },
      );
    });
  }
});

describe('a sweep that compacts under an open iterator (real GC)', () => {
  it('IterableWeakSet: the iterator goes on with the survivors after its position, in order', async () => {
    const n = 2000;
    let members: Array<O | undefined> = Array.from({ length: n }, (_, id) => ({ id }));
    const set = new IterableWeakSet(members as O[]);
    const it = set.values();
    for (let i = 0; i < 1000; i++) assert.equal(it.next().value, members[i]);
    // Everything but every tenth member dies, on both sides of the iterator.
    members = members.map((m, i) => (i % 10 === 0 ? m : undefined));
    await collect();
    assert.equal(set.size, n / 10);
    const rest = [...it].map((m) => m.id);
    assert.deepEqual(rest, Array.from({ length: 100 }, (_, i) => 1000 + 10 * i));
    assert.deepEqual([...set].map((m) => m.id), Array.from({ length: 200 }, (_, i) => 10 * i));
    members.length = 0;
  });

  it('WeakValueMap: the same, and the key index is rebuilt for exactly the survivors', async () => {
    const n = 4000;
    let values: Array<O | undefined> = Array.from({ length: n }, (_, id) => ({ id }));
    const map = new WeakValueMap<number, O>(values.map((v, i) => [i, v!]));
    const it = map.keys();
    for (let i = 0; i < 2500; i++) assert.equal(it.next().value, i);
    values = values.map((v, i) => (i % 100 === 0 ? v : undefined));
    await collect();
    assert.equal(map.size, n / 100);
    assert.deepEqual([...it], [2500, 2600, 2700, 2800, 2900, 3000, 3100, 3200, 3300, 3400, 3500, 3600, 3700, 3800, 3900]);
    for (let i = 0; i < n; i++) assert.equal(map.has(i), i % 100 === 0, `has(${i})`);
    map.set(n, { id: n });
    assert.deepEqual([...map.keys()].slice(-2), [3900, n]);
    values.length = 0;
  });
});
