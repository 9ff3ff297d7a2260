// Reference creation: ours (ref, Ref, ref with a callback, finalize) against the native building
// blocks that give the same guarantee. Fresh targets for every repetition of every row (a target
// that already has a record would flatter us), 1 warm-up + the median of `reps`, order rotated.
import { performance } from 'node:perf_hooks';
import { CHUNK, WARMUP_N, immediate, median, report, requireGc, rotate, settle, timedSuiteArgs } from '../lib/util.mjs';

const { n, mode, reps, warmup } = timedSuiteArgs(process.argv.slice(2));
requireGc(); // fail fast without --expose-gc; settle() collects
const lib = await import('weakref-ts');

// against: the native row whose ratio the target is about.
export const REF_ROWS = [
  { id: '(loop overhead)', kind: 'overhead', expr: 'o' },
  { id: 'new WeakRef(o)', kind: 'native', expr: 'new WeakRef(o)' },
  { id: 'ref(o)', kind: 'ours', expr: 'L.ref(o)', needs: 'ref', against: 'new WeakRef(o)', target: 1.2 },
  { id: 'new Ref(o)', kind: 'ours', expr: 'new L.Ref(o)', needs: 'Ref', against: 'new WeakRef(o)' },
  { id: 'WeakRef + register(o, ref)', kind: 'native', expr: '(r = new WeakRef(o), fr.register(o, r), r)' },
  { id: 'ref(o, cb)', kind: 'ours', expr: 'L.ref(o, cb)', needs: 'ref', against: 'WeakRef + register(o, ref)', target: 1.2 },
  { id: 'register(o, held)', kind: 'native', expr: '(fr.register(o, held), held)' },
  // Floors: the least any design meeting API.md can do with V8's primitives, written inline.
  // ref(o) must return one shared Ref per target: a per-target store (only a WeakMap can key by a
  // target without keeping it) on top of the WeakRef. The store alone is the proof row: when it
  // costs more than 0.2x a WeakRef, ref(o) <= 1.2x new WeakRef(o) is out of reach for any design.
  { id: 'proof: WeakMap.set(o, o) alone', kind: 'floor', against: 'new WeakRef(o)', expr: '(wm.set(o, o), o)' },
  { id: 'floor: WeakRef + WeakMap get/set', kind: 'floor', against: 'new WeakRef(o)', expr: '((r = wm.get(o)) !== undefined ? r : (r = new WeakRef(o), wm.set(o, r), r))' },
  // ... and the shared Ref must be held weakly (a dropped one is collected and stops being counted).
  { id: 'floor: WeakRef + weak holder + WeakMap get/set', kind: 'floor', against: 'new WeakRef(o)',
    expr: '((l = wm.get(o)) !== undefined && (r = l.deref()) !== undefined ? r : (r = new WeakRef(o), wm.set(o, new WeakRef(r)), r))' },
  // ref(o, cb) must not let dropped Refs pile up registrations on a live target (churn) and must
  // call back newest first: one registration per target, and a weak holder per Ref in its list.
  { id: 'floor: WeakRef + weak holder + per-target list + register', kind: 'floor', against: 'WeakRef + register(o, ref)',
    expr: '(r = new WeakRef(o), (l = wm.get(o)) === undefined ? (wm.set(o, [new WeakRef(r)]), fr.register(o, held)) : l.push(new WeakRef(r)), r)' },
  { id: 'finalize(o, fn)', kind: 'ours', expr: 'L.finalize(o, cb)', needs: 'finalize', against: 'register(o, held)' },
];

function compileRow(row) {
  const src = `'use strict';
    const fr = new FinalizationRegistry(() => {});
    const cb = () => {};
    const held = {};
    const wm = new WeakMap();
    return function run(O, R, lo, hi) { let r, l; for (let i = lo; i < hi; i++) { const o = O[i]; R[i] = ${row.expr}; } return hi - lo; };`;
  return new Function('L', src)(lib);
}

const rows = REF_ROWS.filter((row) => row.needs === undefined || typeof lib[row.needs] === 'function').map((row) => ({
  row,
  run: compileRow(row),
}));
const samples = new Map(rows.map((x) => [x.row.id, []]));

for (let rep = 0; rep < warmup + reps; rep++) {
  for (const { row, run } of rotate(rows, rep)) {
    const count = rep < warmup ? Math.min(n, WARMUP_N) : n;
    let O = new Array(count);
    for (let i = 0; i < count; i++) O[i] = { i };
    let R = new Array(count).fill(undefined);
    await immediate();
    let ms = 0;
    if (mode === 'bulk') {
      const t0 = performance.now();
      run(O, R, 0, count);
      ms = performance.now() - t0;
    } else {
      for (let lo = 0; lo < count; lo += CHUNK) {
        const t0 = performance.now();
        run(O, R, lo, Math.min(count, lo + CHUNK));
        ms += performance.now() - t0;
        await immediate();
      }
    }
    if (rep >= warmup) samples.get(row.id).push((ms * 1e6) / n);
    O = R = undefined;
    // Untimed: targets die, callbacks (ours and native) run, before the next row.
    await settle(1);
  }
}

const results = {};
for (const { row } of rows) {
  const s = samples.get(row.id);
  results[row.id] = { kind: row.kind, against: row.against, target: row.target, median: median(s), samples: s.map((x) => Math.round(x * 10) / 10) };
}
const missing = REF_ROWS.filter((row) => row.needs !== undefined && typeof lib[row.needs] !== 'function').map((r) => r.id);
report({ suite: 'refs', n, mode, reps, warmup, chunk: CHUNK, results, missing });
