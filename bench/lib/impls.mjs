// Every implementation the benchmark compares, each through a small adapter: expressions for the
// operations, compiled into loops of their own (new Function per implementation) so that the
// inline caches of one implementation never see another's objects.
import { NaiveIterableWeakMap, NaiveIterableWeakSet, NaiveWeakValueMap } from './naive.mjs';

async function ours(name) {
  const mod = await import('weakref-ts');
  return typeof mod[name] === 'function' ? mod[name] : undefined;
}
const peer = {
  weakref: () => import('weakref'),
  iterableWeak: async () => (await import('iterable-weak')).default,
  cspell: () => import('@cspell/strong-weak-map'),
  frail: () => import('frail-map'),
  wlru: () => import('weak-lru-cache'),
};

const MAP_OPS = {
  create: 'new C()',
  set: 'm.set(k, v)',
  get: 'm.get(k)',
  has: 'm.has(k)',
  del: 'm.delete(k)',
  iterable: 'm',
  live: 'x[1] !== undefined',
  size: 'm.size',
};
const SET_OPS = {
  create: 'new C()',
  set: 'm.add(k)',
  has: 'm.has(k)',
  del: 'm.delete(k)',
  iterable: 'm',
  live: 'x !== undefined',
  size: 'm.size',
};

/**
 * kind: native | naive | peer | ours. `skip`: operations it does not have. `flags`: operations
 * (or '*' = all) whose result is wrong by design, so their speed never counts as the fastest peer
 * (as in ENGINE-NOTES §5: frail-map, weak-lru-cache's has/iterate). Every other peer bug shows in
 * the correctness table instead.
 */
export const CATEGORIES = {
  wvm: {
    title: 'WeakValueMap (weak values)',
    ops: ['set', 'get', 'has', 'iterate', 'overwrite', 'delete'],
    impls: [
      { id: 'Map', kind: 'native', note: 'strong values', load: async () => Map, ...MAP_OPS },
      { id: 'naive', kind: 'naive', note: 'Map<K,WeakRef> + FR', load: async () => NaiveWeakValueMap, ...MAP_OPS },
      { id: 'weakref-ts', kind: 'ours', load: () => ours('WeakValueMap'), ...MAP_OPS },
      { id: 'naive, ordered', kind: 'floor', note: 'naive + API order rule: deref the old value on set', load: async () => NaiveWeakValueMap, ...MAP_OPS, create: 'new C(true)' },
      { id: 'weakref', kind: 'peer', load: async () => (await peer.weakref()).WeakValueMap, ...MAP_OPS },
      { id: '@cspell/strong-weak-map', kind: 'peer', load: async () => (await peer.cspell()).StrongWeakMap, ...MAP_OPS },
      { id: 'frail-map', kind: 'peer', load: async () => (await peer.frail()).FrailMap, ...MAP_OPS,
        flags: { '*': 'loses live values' } },
      { id: 'weak-lru-cache', kind: 'peer', load: async () => (await peer.wlru()).WeakLRUCache, ...MAP_OPS,
        create: 'new C({ expirer: false })', set: 'm.setValue(k, v)', get: 'm.getValue(k)',
        live: 'x[1] !== undefined && x[1].deref() !== undefined',
        flags: { has: 'no liveness check', iterate: 'no liveness check' } },
    ],
  },
  iwm: {
    title: 'IterableWeakMap (weak keys)',
    ops: ['set', 'get', 'has', 'iterate', 'overwrite', 'delete'],
    impls: [
      { id: 'WeakMap', kind: 'native', note: 'not iterable', load: async () => WeakMap, ...MAP_OPS, skip: ['iterate'] },
      { id: 'Map', kind: 'native', note: 'strong keys', load: async () => Map, ...MAP_OPS },
      { id: 'naive', kind: 'naive', note: 'WeakMap + Set<WeakRef> + FR', load: async () => NaiveIterableWeakMap, ...MAP_OPS },
      { id: 'weakref-ts', kind: 'ours', load: () => ours('IterableWeakMap'), ...MAP_OPS },
      { id: 'weakref', kind: 'peer', load: async () => (await peer.weakref()).IterableWeakMap, ...MAP_OPS },
      { id: 'iterable-weak', kind: 'peer', load: async () => (await peer.iterableWeak()).IterableWeakMap, ...MAP_OPS },
    ],
  },
  iws: {
    title: 'IterableWeakSet',
    ops: ['set', 'has', 'iterate', 'overwrite', 'delete'],
    impls: [
      { id: 'WeakSet', kind: 'native', note: 'not iterable', load: async () => WeakSet, ...SET_OPS, skip: ['iterate'] },
      { id: 'Set', kind: 'native', note: 'strong', load: async () => Set, ...SET_OPS },
      { id: 'naive', kind: 'naive', note: 'WeakMap + Set<WeakRef> + FR', load: async () => NaiveIterableWeakSet, ...SET_OPS },
      { id: 'weakref-ts', kind: 'ours', load: () => ours('IterableWeakSet'), ...SET_OPS },
      { id: 'weakref', kind: 'peer', load: async () => (await peer.weakref()).IterableWeakSet, ...SET_OPS },
      { id: 'iterable-weak', kind: 'peer', load: async () => (await peer.iterableWeak()).IterableWeakSet, ...SET_OPS },
    ],
  },
};

// BENCH_BASELINE=/path/to/an/older/dist/index.js adds that build as a "baseline" row next to ours,
// so that a design change is measured against the previous one in the same process.
if (process.env.BENCH_BASELINE) {
  const path = process.env.BENCH_BASELINE;
  const classOf = { wvm: 'WeakValueMap', iwm: 'IterableWeakMap', iws: 'IterableWeakSet' };
  for (const [cat, category] of Object.entries(CATEGORIES)) {
    const mine = category.impls.find((def) => def.kind === 'ours');
    const name = classOf[cat];
    category.impls.push({ ...mine, id: 'baseline', kind: 'floor', note: path, load: async () => (await import(path))[name] });
  }
}

/** The loop that costs what every row pays besides the operation itself. */
export const OVERHEAD = {
  id: '(loop overhead)', kind: 'overhead', load: async () => Object,
  create: '({ last: undefined, all: undefined })', set: 'm.last = v; m.all = K', get: 'm.last', has: 'k !== m', del: 'k !== m',
  iterable: 'm.all', live: 'x !== undefined', size: '0',
};

/** Compiles one adapter into monomorphic loops over [lo, hi) of the key/value arrays. */
export function compile(def, C) {
  const setBody = def.set ?? 'undefined';
  // Each loop is named after its implementation ('has_naive', 'set_weakref_ts'), so that
  // --trace-deopt and --cpu-prof say whose loop it is.
  const tag = def.id.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const src = `
  'use strict';
  return {
    create: function create_${tag}() { return ${def.create}; },
    set: function set_${tag}(m, K, V, lo, hi) { for (let i = lo; i < hi; i++) { const k = K[i], v = V[i]; ${setBody}; } return hi - lo; },
    get: function get_${tag}(m, K, V, lo, hi) { let c = 0; for (let i = lo; i < hi; i++) { const k = K[i]; if (${def.get ?? 'undefined'} !== undefined) c++; } return c; },
    has: function has_${tag}(m, K, V, lo, hi) { let c = 0; for (let i = lo; i < hi; i++) { const k = K[i]; if (${def.has}) c++; } return c; },
    del: function del_${tag}(m, K, V, lo, hi) { let c = 0; for (let i = lo; i < hi; i++) { const k = K[i]; if (${def.del}) c++; } return c; },
    iterBulk: function iterBulk_${tag}(m) { let c = 0; for (const x of ${def.iterable}) { if (${def.live}) c++; } return c; },
    iterOpen: function iterOpen_${tag}(m) { return ${def.iterable}[Symbol.iterator](); },
    iterStep: function iterStep_${tag}(it, n) { let c = 0; for (let j = 0; j < n; j++) { const r = it.next(); if (r.done) return -1 - c; const x = r.value; if (${def.live}) c++; } return c; },
    size: function size_${tag}(m) { return ${def.size}; },
  };`;
  return new Function('C', src)(C);
}

/** Loads every implementation of a category; those that do not exist yet come back with C undefined. */
export async function loadCategory(cat) {
  const out = [];
  for (const def of CATEGORIES[cat].impls) {
    let C;
    try {
      C = await def.load();
    } catch (error) {
      C = undefined;
      def.loadError = String(error);
    }
    out.push({ def, C, ops: C === undefined ? undefined : compile(def, C) });
  }
  return out;
}

/** Key and value arrays held by the child for the whole run ("keys/values kept alive elsewhere"). */
export function makeData(cat, n) {
  const K = new Array(n);
  const V = new Array(n);
  const V2 = new Array(n);
  for (let i = 0; i < n; i++) {
    K[i] = cat === 'wvm' ? `key:${i}` : { k: i };
    V[i] = { v: i };
    V2[i] = { v: -i };
  }
  return { K, V, V2 };
}
