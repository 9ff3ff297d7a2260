// The "every peer is wrong somewhere" table: quick behavioural checks per implementation, with
// real collections (gc + turns), at a small N. Each check reports ok or what went wrong.
import { CATEGORIES, compile } from '../lib/impls.mjs';
import { immediate, parseArgs, report, requireGc, settle } from '../lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const cat = args.cat;
const N = Number(args.n ?? 200);
const gc = requireGc();
const isMap = cat !== 'iws';

const fresh = (i) => ({ fresh: i });
const key = (i) => (cat === 'wvm' ? `key:${i}` : fresh(i));

function put(m, k, v) {
  // weak-lru-cache stores with setValue; sets store the key.
  if (!isMap) return m.add(k);
  return typeof m.setValue === 'function' ? m.setValue(k, v) : m.set(k, v);
}
function read(m, k) {
  if (!isMap) return m.has(k) ? k : undefined;
  return typeof m.getValue === 'function' ? m.getValue(k) : m.get(k);
}
function countYielded(m) {
  let c = 0;
  for (const _ of m) c++;
  return c;
}
const lostOf = (m, K, V) => K.filter((k, i) => read(m, k) !== V[i]).length;

const CHECKS = {
  // Live entries must survive collections (frail-map wraps each value in a box nothing holds).
  async 'live kept'(C, create) {
    const m = create();
    const K = Array.from({ length: N }, (_, i) => key(i));
    const V = Array.from({ length: N }, (_, i) => (isMap ? fresh(i) : K[i]));
    K.forEach((k, i) => put(m, k, V[i]));
    await settle();
    const lost = lostOf(m, K, V);
    return lost === 0 ? 'ok' : `${lost}/${N} live lost`;
  },
  // After the weak sides died and the callbacks had every chance to run: size 0, nothing yielded.
  async 'size after mass collection'(C, create) {
    const m = create();
    (function fill() {
      for (let i = 0; i < N; i++) put(m, key(i), fresh(i));
    })();
    await settle(4);
    const size = m.size;
    const yielded = countYielded(m);
    if (size === 0 && yielded === 0) return 'ok';
    return `size ${size}, yielded ${yielded} of ${N} dead`;
  },
  // Right after gc(), before any finalization callback ran: iteration must skip the dead.
  async 'dead yielded before callbacks'(C, create) {
    const m = create();
    (function fill() {
      for (let i = 0; i < N; i++) put(m, key(i), fresh(i));
    })();
    await immediate();
    gc();
    let dead = 0;
    for (const x of m) {
      // The weak side: the value in a weak-value map, the key in a weak-key map, the element in a set.
      const value = cat === 'wvm' ? x[1] : cat === 'iwm' ? x[0] : x;
      if (value === undefined || (typeof value?.deref === 'function' && value.deref() === undefined)) dead++;
    }
    return dead === 0 ? 'ok' : `${dead}/${N} dead yielded`;
  },
};

if (cat === 'wvm') {
  // The old value dies after the overwrite; its late callback must not delete the new entry.
  CHECKS['overwrite kept (old value dies later)'] = async (C, create) => {
    const m = create();
    const K = Array.from({ length: N }, (_, i) => key(i));
    const V = Array.from({ length: N }, (_, i) => fresh(i));
    (function fill() {
      K.forEach((k) => put(m, k, fresh(-1)));
    })();
    K.forEach((k, i) => put(m, k, V[i]));
    await settle();
    const lost = lostOf(m, K, V);
    return lost === 0 ? 'ok' : `${lost}/${N} new values lost`;
  };
  // The old value is already dead (callback pending) when the key is set again.
  CHECKS['overwrite kept (old value already dead)'] = async (C, create) => {
    const m = create();
    const K = Array.from({ length: N }, (_, i) => key(i));
    const V = Array.from({ length: N }, (_, i) => fresh(i));
    (function fill() {
      K.forEach((k) => put(m, k, fresh(-1)));
    })();
    await immediate();
    gc();
    K.forEach((k, i) => put(m, k, V[i]));
    await settle();
    const lost = lostOf(m, K, V);
    return lost === 0 ? 'ok' : `${lost}/${N} new values lost`;
  };
  CHECKS['delete + re-add kept'] = async (C, create) => {
    const m = create();
    const K = Array.from({ length: N }, (_, i) => key(i));
    const V = Array.from({ length: N }, (_, i) => fresh(i));
    (function fill() {
      K.forEach((k) => put(m, k, fresh(-1)));
    })();
    K.forEach((k) => m.delete(k));
    K.forEach((k, i) => put(m, k, V[i]));
    await settle();
    const lost = lostOf(m, K, V);
    return lost === 0 ? 'ok' : `${lost}/${N} re-added values lost`;
  };
}
if (cat === 'iwm') {
  // Ephemeron semantics: a value that references its own key must not keep the entry alive.
  CHECKS['value referencing its key'] = async (C, create) => {
    const m = create();
    (function fill() {
      for (let i = 0; i < N; i++) {
        const k = fresh(i);
        put(m, k, { owner: k });
      }
    })();
    await settle(4);
    return m.size === 0 ? 'ok' : `${m.size}/${N} entries kept alive`;
  };
  CHECKS['delete of a falsy value'] = async (C, create) => {
    const m = create();
    const k = fresh(0);
    put(m, k, 0);
    m.delete(k);
    return m.has(k) ? 'entry not deleted' : 'ok';
  };
}
CHECKS['primitive rejected'] = async (C, create) => {
  const m = create();
  try {
    if (cat === 'wvm') put(m, 'p', 42);
    else put(m, 42, 1);
  } catch (error) {
    return error instanceof TypeError ? 'ok' : `throws ${error?.constructor?.name}`;
  }
  return 'accepted';
};

const results = {};
for (const def of CATEGORIES[cat].impls) {
  if (def.kind === 'native') continue;
  const C = await def.load().catch(() => undefined);
  if (C === undefined) continue;
  const ops = compile(def, C);
  const row = {};
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      row[name] = await check(C, () => ops.create());
    } catch (error) {
      row[name] = `threw ${String(error).slice(0, 60)}`;
    }
    await settle(1);
  }
  results[def.id] = { kind: def.kind, checks: row };
}
report({ suite: 'correct', cat, n: N, checks: Object.keys(CHECKS), results });
