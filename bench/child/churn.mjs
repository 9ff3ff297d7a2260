// Ref churn: create and drop N references with callbacks to ONE long-lived target, then measure
// the heap after 3 × (setImmediate + gc()). A dropped Ref must not keep itself or its callback.
import { performance } from 'node:perf_hooks';
import { heapUsed, parseArgs, report, settle } from '../lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const n = Number(args.n);
const lib = await import('weakref-ts');
const ROWS = {
  'ref(target, cb)': (t, cb) => lib.ref(t, cb),
  'new Ref(target, cb)': (t, cb) => new lib.Ref(t, cb),
  'ref(target)': (t) => lib.ref(t),
  'new WeakRef(target)': (t) => new WeakRef(t),
  // The native way to get a callback: the registry holds every cell until the target dies.
  'WeakRef + register(target, ref)': (t, cb, fr) => {
    const r = new WeakRef(t);
    fr.register(t, r);
    return r;
  },
};
const id = args.row;
const make = ROWS[id];
const target = { long: 'lived' };
globalThis.benchTarget = target;
const fr = new FinalizationRegistry(() => {});
globalThis.benchRegistry = fr;
const cb = () => {};
make(target, cb, fr); // warm the path and create any per-target record before measuring
await settle();
const before = heapUsed();
const t0 = performance.now();
(function churn() {
  for (let i = 0; i < n; i++) make(target, cb, fr);
})();
const ms = performance.now() - t0;
await settle();
const after = heapUsed();
report({ suite: 'churn', row: id, n, nsPerOp: (ms * 1e6) / n, heapGrowth: after - before, bytesPerRef: (after - before) / n });
