import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Ref } from 'weakref-ts';
import { expectCollected, getReferents, getReferrers } from 'weakref-ts/gc';
import { registerPlugin, unregisterPlugins } from './fixtures/gc/leaks.js';

/** Survivors live here between jobs. */
const keep = globalThis as unknown as Record<string, unknown>;

class Item {
  constructor(readonly id: number) {}
}

describe('getReferrers: real live objects, like CPython\'s gc.get_referrers', () => {
  test('objects, arrays, Map keys and values, Sets and capturing closures hold the target; weak holders do not', () => {
    const item = new Item(1);
    const holders = {
      object: { item },
      array: [0, item],
      mapValue: new Map().set('k', item),
      mapKey: new Map().set(item, 'v'),
      set: new Set([item]),
      closure: (() => {
        const captured = item;
        return () => captured;
      })(),
      weakMap: new WeakMap().set(item, 1),
      weakSet: new WeakSet().add(item),
      weakRef: new WeakRef(item),
      ref: new Ref(item),
    };
    keep.holders = holders;
    const found = getReferrers(item);
    for (const name of ['object', 'array', 'mapValue', 'mapKey', 'set', 'closure'] as const) {
      assert.ok(found.includes(holders[name]), `${name} is a referrer`);
    }
    for (const name of ['weakMap', 'weakSet', 'weakRef', 'ref'] as const) {
      assert.ok(!found.includes(holders[name]), `${name} holds weakly: not a referrer`);
    }
    // (Temporaries still in a register of this frame would count, as in CPython: hence no array literals above.)
    const others = found.filter((f) => !Object.values(holders).includes(f as never));
    assert.deepEqual(others, [], 'nothing else: not this call\'s frame, arguments or probe');
    delete keep.holders;
  });

  test('a module variable is held by the module\'s functions that read it (not by the module\'s hidden body)', () => {
    const plugin = registerPlugin('p2');
    const [plugins] = getReferrers(plugin);
    assert.ok(Array.isArray(plugins) && plugins.includes(plugin));
    const readers = getReferrers(plugins);
    assert.ok(readers.includes(registerPlugin) && readers.includes(unregisterPlugins));
    assert.ok(readers.every((f) => typeof f === 'function' && f.name !== ''), 'only named module functions');
    unregisterPlugins();
  });

  test('an object held only by the caller\'s frame has no referrers', () => {
    assert.deepEqual(getReferrers(new Item(2)), []);
  });

  test('keeps nothing alive afterwards (no cache across calls)', async () => {
    await expectCollected(() => {
      const item = new Item(3);
      keep.temp = { item };
      const found = getReferrers(item);
      assert.equal(found[0], keep.temp);
      delete keep.temp;
      return item;
    });
  });
});

describe('getReferents: real live objects, like CPython\'s gc.get_referents', () => {
  test('plain objects and arrays: their object values, not primitives, not the prototype', () => {
    const a = new Item(1);
    const b = new Item(2);
    keep.pair = { a, b, n: 1, s: 'text' };
    keep.list = [a, 2, 'x', b, a];
    assert.deepEqual(new Set(getReferents(keep.pair as object)), new Set([a, b]));
    assert.deepEqual(getReferents(keep.list as object), [a, b]);
    delete keep.pair;
    delete keep.list;
  });

  test('Maps give keys and values, Sets their elements', () => {
    const k = new Item(1);
    const v = new Item(2);
    const e = new Item(3);
    keep.map = new Map<unknown, unknown>([[k, v], ['name', e]]);
    keep.set = new Set([e, k]);
    assert.deepEqual(new Set(getReferents(keep.map as object)), new Set([k, v, e]));
    assert.deepEqual(new Set(getReferents(keep.set as object)), new Set([e, k]));
    delete keep.map;
    delete keep.set;
  });

  test('closures give what they capture; bound functions their target and bound this', () => {
    const captured = new Item(1);
    const self = new Item(2);
    function show(this: Item): number {
      return this.id;
    }
    keep.closure = () => captured.id;
    keep.bound = show.bind(self);
    assert.deepEqual(getReferents(keep.closure as object), [captured]);
    const bound = getReferents(keep.bound as object);
    assert.ok(bound.includes(show) && bound.includes(self));
    delete keep.closure;
    delete keep.bound;
  });

  test('a WeakRef\'s target and a WeakMap\'s entries are not referents', () => {
    const target = new Item(1);
    keep.target = target;
    keep.weak = { ref: new WeakRef(target), map: new WeakMap([[target, new Item(2)]]) };
    const found = getReferents((keep.weak as { ref: object }).ref);
    assert.ok(!found.includes(target));
    delete keep.weak;
    delete keep.target;
  });

  test('a primitive is a TypeError naming its kind', () => {
    assert.throws(() => getReferents('s' as never), { name: 'TypeError', message: /'string' value/ });
    assert.throws(() => getReferrers(undefined as never), { name: 'TypeError', message: /'undefined' value/ });
  });
});

