// Tests for an engine without FinalizationRegistry (facebook/hermes#1440: a library that touches
// the registry at import crashes the app). Run by test/engines/no-fr.mjs, which deletes the global
// before importing the package.
import { assert, test } from './harness.mjs';

// How the library names each engine in its errors (registry.ts engineName()).
const ENGINE_IN_MESSAGE = /\b(Node|Deno|Bun) \d|Chrome\//;

test('no-fr', 'FinalizationRegistry is gone and all three entry points imported', (t) => {
  assert.equal(typeof globalThis.FinalizationRegistry, 'undefined');
  assert.equal(typeof t.lib.Ref, 'function');
  assert.equal(typeof t.python.ReferenceType, 'function');
  assert.equal(typeof t.gcmod.collect, 'function');
});

test('no-fr', 'Refs without a callback, ref(), KeyedRef, counting and TypeErrors work', (t) => {
  const { ref, Ref, KeyedRef, getWeakRefCount, getWeakRefs } = t.lib;
  const o = {};
  const a = ref(o);
  assert.equal(ref(o), a);
  assert.equal(a.deref(), o);
  const k = new KeyedRef(o, undefined, 'k');
  const r = new Ref(o);
  assert.equal(getWeakRefCount(o), 3);
  assert.deepEqual(getWeakRefs(o).length, 3);
  assert.ok(k.key === 'k' && r.deref() === o);
  assert.throws(() => ref(1), TypeError, /'number'/);
});

test('no-fr', 'many Refs without a callback on one target never need the registry', (t) => {
  const { Ref, getWeakRefCount } = t.lib;
  const o = {};
  const refs = [];
  for (let i = 0; i < 200; i++) refs.push(new Ref(o)); // past the record's prune threshold
  assert.equal(getWeakRefCount(o), 200);
  assert.equal(refs[199].deref(), o);
});

test('no-fr', 'a Ref with a callback throws an Error naming the engine and Ref, and changes nothing', (t) => {
  const { Ref, getWeakRefCount } = t.lib;
  const o = {};
  const error = assert.throws(() => new Ref(o, () => {}), Error, ENGINE_IN_MESSAGE);
  assert.ok(/\bRef\b/.test(error.message), `the message names the function: ${error.message}`);
  assert.ok(!(error instanceof TypeError), 'the input was fine; the engine lacks something');
  assert.equal(getWeakRefCount(o), 0, 'the failed Ref left nothing behind');
});

test('no-fr', 'collect() resolves, or rejects with an Error naming the engine and collect()', async (t) => {
  let error;
  try {
    await t.gcmod.collect();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) {
    t.note('collect() resolved');
    return;
  }
  t.note('collect() rejected');
  assert.ok(error instanceof Error && ENGINE_IN_MESSAGE.test(error.message), `names the engine: ${error?.message}`);
  assert.ok(/collect\(\)/.test(error.message), `names the function: ${error.message}`);
});

test('no-fr', 'the collections work without a registry (they sweep lazily instead)', (t) => {
  const { IterableWeakMap, WeakValueMap, IterableWeakSet } = t.lib;
  const o = {};
  const map = new IterableWeakMap([[o, 1]]);
  const values = new WeakValueMap([['a', o]]);
  const set = new IterableWeakSet([o]);
  assert.ok(map.get(o) === 1 && map.size === 1 && [...map.keys()][0] === o, 'IterableWeakMap');
  assert.ok(values.get('a') === o && values.size === 1 && [...values.values()][0] === o, 'WeakValueMap');
  assert.ok(set.has(o) && set.size === 1 && [...set][0] === o, 'IterableWeakSet');
  assert.ok(map.delete(o) && values.delete('a') && set.delete(o) && map.size + values.size + set.size === 0);
}, { needs: ['IterableWeakMap', 'WeakValueMap', 'IterableWeakSet'] });

test('no-fr', 'proxy without a callback works; with one it throws an Error naming the engine and proxy', (t) => {
  const { proxy } = t.lib;
  const target = { a: 1 };
  assert.equal(proxy(target).a, 1);
  const error = assert.throws(() => proxy({}, () => {}), Error, ENGINE_IN_MESSAGE);
  assert.ok(/\bproxy\b/.test(error.message), `the message names the function: ${error.message}`);
}, { needs: ['proxy'] });

test('no-fr', 'finalize throws an Error naming the engine and finalize', (t) => {
  const error = assert.throws(() => t.lib.finalize({}, () => {}), Error, ENGINE_IN_MESSAGE);
  assert.ok(/\bfinalize\b/.test(error.message), `the message names the function: ${error.message}`);
}, { needs: ['finalize'] });
