// One measurement suite = one process: every implementation of one category, at one N, in one mode
// (bulk = each operation over all N keys in one synchronous job; chunked = 1,000 operations per job
// with setImmediate between). 1 warm-up + the median of `reps`, implementation order rotated.
import { performance } from 'node:perf_hooks';
import { CATEGORIES, OVERHEAD, compile, loadCategory, makeData } from '../lib/impls.mjs';
import { CHUNK, WARMUP_N, immediate, median, report, requireGc, rotate, settle, timedSuiteArgs } from '../lib/util.mjs';

const { args, n, mode, reps, warmup } = timedSuiteArgs(process.argv.slice(2));
const cat = args.cat;
requireGc(); // fail fast without --expose-gc; settle() collects

const loaded = await loadCategory(cat);
// --impls a,b: only those implementations (and the loop overhead), for quick A/B work on one design
// and for bench/confirm.mjs. Ids that contain a comma ('naive, ordered') are separated by '|' (a
// list with one such id alone ends with '|').
const only = typeof args.impls === 'string' ? args.impls.split(args.impls.includes('|') ? '|' : ',').filter(Boolean) : undefined;
const impls = [{ def: OVERHEAD, C: Object, ops: compile(OVERHEAD, Object) }, ...loaded.filter((x) => x.ops && (only === undefined || only.includes(x.def.id)))];
const data = makeData(cat, n);
const category = CATEGORIES[cat];

/** Runs one operation over the first `n` keys; returns [ms spent inside jobs, count the loop returned]. */
async function runOp(ops, op, m, n) {
  const { K, V, V2 } = data;
  const fn = op === 'set' || op === 'overwrite' ? ops.set : op === 'get' ? ops.get : op === 'has' ? ops.has : ops.del;
  const values = op === 'overwrite' ? V2 : V;
  if (op === 'iterate') {
    if (mode === 'bulk') {
      const t0 = performance.now();
      const c = ops.iterBulk(m);
      return [performance.now() - t0, c];
    }
    let ms = 0;
    let c = 0;
    const it = ops.iterOpen(m);
    for (;;) {
      const t0 = performance.now();
      const got = ops.iterStep(it, CHUNK);
      ms += performance.now() - t0;
      if (got < 0) {
        c += -1 - got;
        break;
      }
      c += got;
      await immediate();
    }
    return [ms, c];
  }
  if (mode === 'bulk') {
    const t0 = performance.now();
    const c = fn(m, K, values, 0, n);
    return [performance.now() - t0, c];
  }
  let ms = 0;
  let c = 0;
  for (let lo = 0; lo < n; lo += CHUNK) {
    const hi = Math.min(n, lo + CHUNK);
    const t0 = performance.now();
    c += fn(m, K, values, lo, hi);
    ms += performance.now() - t0;
    await immediate();
  }
  return [ms, c];
}

const samples = new Map(impls.map((x) => [x.def.id, Object.fromEntries(category.ops.map((op) => [op, []]))]));
const counts = new Map(impls.map((x) => [x.def.id, {}]));
for (let rep = 0; rep < warmup + reps; rep++) {
  for (const impl of rotate(impls, rep)) {
    let m = impl.ops.create();
    for (const op of category.ops) {
      if (impl.def.skip?.includes(op)) continue;
      // Every operation starts a job of its own on a collected heap: otherwise the collector's
      // work on the previous operation's garbage (a bulk add leaves a marking cycle running, a bulk
      // iteration a million-entry keep-alive set) lands in whichever operation comes next.
      // (Not for the warm-up or the loop-overhead row, whose times are not used or make no garbage,
      // nor for the first operation: the previous implementation's turn ended with a settle.)
      if (rep >= warmup && impl.def.kind !== 'overhead' && op !== category.ops[0]) await settle(1);
      else await immediate();
      const [ms, c] = await runOp(impl.ops, op, m, rep < warmup ? Math.min(n, WARMUP_N) : n);
      if (rep >= warmup) samples.get(impl.def.id)[op].push((ms * 1e6) / n);
      counts.get(impl.def.id)[op] = c;
    }
    m = undefined;
    // Untimed: let this implementation's garbage and finalization callbacks go before the next one.
    await settle(1);
  }
}

const results = {};
for (const { def } of impls) {
  const ops = {};
  for (const op of category.ops) {
    const s = samples.get(def.id)[op];
    if (s.length) ops[op] = { median: median(s), samples: s.map((x) => Math.round(x * 10) / 10) };
  }
  results[def.id] = { kind: def.kind, note: def.note, flags: def.flags, skip: def.skip, ops, counts: counts.get(def.id) };
}
const missing = loaded.filter((x) => !x.ops).map((x) => x.def.id);
report({ suite: 'ops', cat, n, mode, reps, warmup, chunk: CHUNK, results, missing });
