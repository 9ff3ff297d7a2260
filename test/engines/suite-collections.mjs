// IterableWeakMap, WeakValueMap and IterableWeakSet on every engine. "Before any cleanup" checks
// use the engine's synchronous gc in a fresh job and read the collection in that same job: the
// weak sides are gone but no finalization callback can have run yet (V8 and JSC both deliver them
// in a later task), which is the gap where peers yield dead entries.
import { assert, macrotask, test } from './harness.mjs';

const IWM = { needs: ['IterableWeakMap'] };
const WVM = { needs: ['WeakValueMap'] };
const IWS = { needs: ['IterableWeakSet'] };

function requireSyncGc(t) {
  if (t.syncGc === undefined) throw new Error(`${t.engine.version}: no synchronous gc (${t.gcMissing ?? 'not provided'})`);
  return t.syncGc;
}

/** A fresh job (KeepDuringJob cleared), then a synchronous full GC: dead weak sides, no callback yet. */
async function collectWithoutCleanup(t) {
  const gc = requireSyncGc(t);
  await macrotask();
  gc();
}

/**
 * Lets `fill(signalTarget)` add dead entries plus one whose weak side is `signalTarget`, watched by a
 * Ref callback; resolves once that callback ran, i.e. once the engine's finalization batch ran.
 */
async function untilFinalizationRan(t, fill) {
  const signal = [];
  const signalRef = (() => {
    const target = {};
    fill(target);
    return new t.lib.Ref(target, () => signal.push(1));
  })();
  await t.settle(() => signal.length === 1);
  await macrotask();
  assert.equal(signalRef.deref(), undefined);
}

/**
 * `size` (read first, before anything else can sweep) must equal the entries that iteration finds
 * alive. V8 (precise GC) must have collected every dropped object, leaving exactly `expected`; JSC
 * scans the stack conservatively, so a stale word may keep one or two dropped objects alive for a
 * collection: then they are live and counted, and only the equality is the library's promise.
 */
function assertSizeIsLiveCount(t, collection, expected, when) {
  const size = collection.size;
  const live = [...collection].length;
  assert.equal(size, live, `size ${when} must equal the live entries that iteration yields`);
  if (t.engine.family === 'jsc') {
    t.note('JSC: conservative stack scan may keep a dropped object alive for a collection');
    assert.ok(live >= expected && live <= expected + 2, `live entries ${when}: ${live}`);
  } else {
    assert.equal(live, expected, `live entries ${when}`);
  }
}

// ---- IterableWeakMap -------------------------------------------------------------------------------

test('collections', 'IterableWeakMap: size is the live count once finalization callbacks ran, and after collect()', async (t) => {
  const map = new t.lib.IterableWeakMap();
  const live = [];
  for (let i = 0; i < 5; i++) {
    const key = { i };
    live.push(key);
    map.set(key, i);
  }
  await untilFinalizationRan(t, (signalKey) => {
    for (let i = 0; i < 50; i++) map.set({ dead: i }, i);
    map.set(signalKey, 'signal');
  });
  assertSizeIsLiveCount(t, map, 5, 'after the finalization callbacks');
  assert.deepEqual([...map.values()].slice(0, 5), [0, 1, 2, 3, 4]);
  assert.ok([...map.keys()].slice(0, 5).every((key, i) => key === live[i]), 'live keys in insertion order');
  await t.collect();
  assertSizeIsLiveCount(t, map, 5, 'after collect()');
  assert.ok(live.every((key) => map.has(key)));
}, IWM);

test('collections', 'IterableWeakMap: dead keys are never yielded, even before any cleanup ran', async (t) => {
  const map = new t.lib.IterableWeakMap();
  const kept = { kept: true };
  map.set(kept, 'kept');
  (() => {
    for (let i = 0; i < 20; i++) map.set({}, i);
  })();
  await collectWithoutCleanup(t);
  const keys = [...map.keys()];
  const entries = [...map];
  let visited = 0;
  map.forEach(() => visited++);
  assert.ok(keys.length === 1 && keys[0] === kept, `keys: ${keys.length}`);
  assert.ok(entries.length === 1 && entries[0][1] === 'kept', `entries: ${entries.length}`);
  assert.equal(visited, 1, 'forEach');
  await t.collect();
  assert.equal(map.size, 1);
}, IWM);

test('collections', 'IterableWeakMap: a value that references its own key does not keep the entry alive', async (t) => {
  const map = new t.lib.IterableWeakMap();
  const kept = {};
  map.set(kept, { kept });
  (() => {
    for (let i = 0; i < 10; i++) {
      const key = {};
      map.set(key, { key, back: () => key });
    }
  })();
  await t.collect();
  assert.equal(map.size, 1, 'iterable-weak kept 100/100 such entries');
  assert.equal(map.get(kept).kept, kept);
}, IWM);

test('collections', 'IterableWeakMap: tolerates deletes and inserts during iteration as Map does', (t) => {
  const map = new t.lib.IterableWeakMap();
  const [a, b, c, d] = [{ n: 'a' }, { n: 'b' }, { n: 'c' }, { n: 'd' }];
  map.set(a, 1).set(b, 2).set(c, 3);
  const seen = [];
  for (const [key] of map) {
    seen.push(key.n);
    if (key === a) {
      map.delete(b);
      map.set(d, 4);
    }
  }
  assert.deepEqual(seen, ['a', 'c', 'd']);
}, IWM);

// ---- WeakValueMap -------------------------------------------------------------------------------

test('collections', 'WeakValueMap: size is the live count once finalization callbacks ran, and after collect()', async (t) => {
  const map = new t.lib.WeakValueMap();
  const live = [];
  for (let i = 0; i < 5; i++) {
    const value = { i };
    live.push(value);
    map.set(`live${i}`, value);
  }
  await untilFinalizationRan(t, (signalValue) => {
    for (let i = 0; i < 50; i++) map.set(`dead${i}`, {});
    map.set('signal', signalValue);
  });
  assertSizeIsLiveCount(t, map, 5, 'after the finalization callbacks');
  assert.deepEqual([...map.keys()].slice(0, 5), ['live0', 'live1', 'live2', 'live3', 'live4']);
  await t.collect();
  assertSizeIsLiveCount(t, map, 5, 'after collect()');
  assert.ok(live.every((value, i) => map.get(`live${i}`) === value));
}, WVM);

test('collections', 'WeakValueMap: dead values are never returned or yielded, even before any cleanup ran', async (t) => {
  const map = new t.lib.WeakValueMap();
  const kept = { kept: true };
  map.set('kept', kept);
  (() => {
    for (let i = 0; i < 20; i++) map.set(`dead${i}`, {});
  })();
  await collectWithoutCleanup(t);
  assert.equal(map.get('dead0'), undefined, 'get');
  assert.equal(map.has('dead1'), false, 'has');
  const values = [...map.values()];
  assert.ok(values.length === 1 && values[0] === kept, `values: ${values.length}`);
  assert.deepEqual([...map.keys()], ['kept']);
  await t.collect();
  assert.equal(map.size, 1);
}, WVM);

test('collections', 'denostack/weakref#1: overwriting or re-adding a key is never undone by the old value\'s cleanup', async (t) => {
  const map = new t.lib.WeakValueMap();
  const holder = { old: {} };
  map.set('alive-then-overwritten', holder.old);
  const newer = { newer: true };
  map.set('alive-then-overwritten', newer);
  holder.old = undefined;
  (() => {
    map.set('dead-then-overwritten', {});
    map.set('dead-then-readded', {});
  })();
  await collectWithoutCleanup(t); // the old values are dead, their cleanup still pending
  const fresh = { fresh: true };
  map.set('dead-then-overwritten', fresh);
  map.delete('dead-then-readded');
  const readded = { readded: true };
  map.set('dead-then-readded', readded);
  await t.collect();
  assert.equal(map.get('alive-then-overwritten'), newer);
  assert.equal(map.get('dead-then-overwritten'), fresh);
  assert.equal(map.get('dead-then-readded'), readded);
  assert.equal(map.size, 3);
}, WVM);

test('collections', 'WeakValueMap: setting a key whose entry is dead is an insertion (it goes last)', async (t) => {
  const map = new t.lib.WeakValueMap();
  const x = {};
  const z = {};
  map.set('x', x);
  (() => map.set('y', {}))();
  map.set('z', z);
  await collectWithoutCleanup(t);
  const y = {};
  map.set('y', y);
  assert.deepEqual([...map.keys()], ['x', 'z', 'y']);
  assert.ok(map.get('x') === x && map.get('y') === y && map.get('z') === z);
}, WVM);

test('collections', 'WeakValueMap: getOrInsertComputed treats a dead entry as absent', async (t) => {
  const map = new t.lib.WeakValueMap();
  (() => map.set('a', { old: true }))();
  await collectWithoutCleanup(t);
  const fresh = { fresh: true };
  assert.equal(map.getOrInsertComputed('a', () => fresh), fresh);
  assert.equal(map.getOrInsertComputed('a', () => ({ wrong: true })), fresh);
  assert.equal(map.getOrInsert('a', { wrong: true }), fresh);
}, { needs: ['WeakValueMap'] });

// ---- IterableWeakSet ----------------------------------------------------------------------------

test('collections', 'IterableWeakSet: dead members are never yielded; size is exact after collect()', async (t) => {
  const set = new t.lib.IterableWeakSet();
  const live = [{}, {}, {}];
  for (const value of live) set.add(value);
  (() => {
    for (let i = 0; i < 20; i++) set.add({});
  })();
  await collectWithoutCleanup(t);
  const members = [...set];
  assert.ok(members.length === 3 && members.every((m, i) => m === live[i]), `members: ${members.length}`);
  await t.collect();
  assert.equal(set.size, 3);
  assert.ok(live.every((value) => set.has(value)));
}, IWS);

// ---- bad input ----------------------------------------------------------------------------------

test('collections', 'bad input throws a TypeError naming the kind and leaves the collection unchanged', (t) => {
  const { IterableWeakMap, WeakValueMap, IterableWeakSet } = t.lib;
  const o = {};
  const map = new IterableWeakMap([[o, 1]]);
  assert.throws(() => map.set(1, 'x'), TypeError, /'number'/);
  assert.throws(() => map.update([[{}, 2], [null, 3]]), TypeError, /'null'/);
  assert.throws(() => new IterableWeakMap([[{}, 1], ['s', 2]]), TypeError, /'string'/);
  assert.ok(map.size === 1 && map.get(o) === 1, 'IterableWeakMap unchanged (update is all-or-nothing)');
  const values = new WeakValueMap();
  assert.throws(() => values.set('k', 5), TypeError, /'number'/);
  assert.throws(() => values.update([['a', {}], ['b', 'str']]), TypeError, /'string'/);
  assert.equal(values.size, 0, 'WeakValueMap unchanged (update is all-or-nothing)');
  const set = new IterableWeakSet();
  assert.throws(() => set.add(Symbol.for('x')), TypeError, /'registered symbol'/);
  assert.throws(() => set.update([{}, true]), TypeError, /'boolean'/);
  assert.throws(() => new IterableWeakSet([{}, 1]), TypeError, /'number'/);
  assert.equal(set.size, 0, 'IterableWeakSet unchanged (update is all-or-nothing)');
}, { needs: ['IterableWeakMap', 'WeakValueMap', 'IterableWeakSet'] });

test('python', "weakref-ts/python: the collections under Python's names are the same classes", (t) => {
  assert.equal(t.python.WeakKeyDictionary, t.lib.IterableWeakMap);
  assert.equal(t.python.WeakValueDictionary, t.lib.WeakValueMap);
  assert.equal(t.python.WeakSet, t.lib.IterableWeakSet);
}, { needs: ['IterableWeakMap', 'WeakValueMap', 'IterableWeakSet', 'python:WeakKeyDictionary', 'python:WeakValueDictionary', 'python:WeakSet'] });
