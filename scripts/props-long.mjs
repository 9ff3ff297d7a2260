// The long property run (issue 4): 10,000+ random programs per collection under real GC, with
// random seeds, in batches so that progress shows and each batch's seed can be replayed alone.
//
//   npm run test:props                           10,000 programs per collection, random seeds
//   PROPS_RUNS=50000 npm run test:props          more
//   PROPS_SEED=123 PROPS_RUNS=1000 npm run test:props   replay one batch (seed printed on failure)
//   PROPS_SEED=123 PROPS_PATH=4:1:0 npm run test:props  replay one shrunk counterexample
//   PROPS_KINDS=WeakValueMap npm run test:props  one collection (comma-separated list)
//   PROPS_MAX_OPS=60 npm run test:props          longer programs (default 30 operations)
//
// Needs `npm run pretest` first (the script line does it) and node --expose-gc. Exit code 1 on the
// first failing batch, after printing its seed and shrunk program.
import { IterableWeakMap, IterableWeakSet, WeakValueMap } from 'weakref-ts';
import { checkCollection } from '../build/test/support/collection-props.js';

const env = process.env;
const total = Number(env.PROPS_RUNS ?? 10_000);
const batch = Number(env.PROPS_BATCH ?? 1_000);
const maxOps = Number(env.PROPS_MAX_OPS ?? 30);
const fixedSeed = env.PROPS_SEED === undefined ? undefined : Number(env.PROPS_SEED);
// PROPS_SEEDS=a,b,c: the batches' seeds in order (replays a whole process history)
const seedList = env.PROPS_SEEDS?.split(',').map(Number);
const path = env.PROPS_PATH;
const ctors = { IterableWeakMap, WeakValueMap, IterableWeakSet };
const kinds = (env.PROPS_KINDS ?? Object.keys(ctors).join(',')).split(',');

if (typeof globalThis.gc !== 'function') {
  console.error('props-long: run with node --expose-gc');
  process.exit(2);
}

let failed = false;
const summary = [];
for (const kind of kinds) {
  const ctor = ctors[kind];
  if (ctor === undefined) throw new Error(`props-long: unknown collection ${kind}`);
  const sum = { kind, programs: 0, steps: 0, collects: 0, gapChecks: 0, deadSkipped: 0, lateCollects: 0, ms: 0, seeds: [] };
  for (let done = 0; done < total && !failed; done += batch) {
    const seed = seedList?.[done / batch] ?? fixedSeed ?? (Math.random() * 2 ** 31) | 0;
    const numRuns = Math.min(batch, total - done);
    const r = await checkCollection({ kind, ctor }, { seed, numRuns, maxOps, path });
    sum.programs += r.programs;
    sum.steps += r.steps;
    sum.collects += r.collects;
    sum.gapChecks += r.gapChecks;
    sum.deadSkipped += r.deadSkipped;
    sum.lateCollects += r.lateCollects;
    for (const note of r.lateNotes) console.log(`late collection (not a failure): ${note}`);
    sum.ms += r.ms;
    sum.seeds.push(seed);
    console.log(
      `${kind}: seed ${seed}: ${r.programs} programs, ${r.steps} steps, ${r.collects} collect(), ${r.lateCollects} late, ${(r.ms / 1000).toFixed(1)} s${r.failure ? ' FAILED' : ''}`,
    );
    if (r.failure !== undefined) {
      console.log(r.failure);
      console.log(`replay the batch: PROPS_KINDS=${kind} PROPS_SEED=${seed} PROPS_RUNS=${numRuns} PROPS_MAX_OPS=${maxOps} npm run test:props`);
      failed = true;
    }
  }
  summary.push(sum);
  if (failed) break;
}

console.log('\nsummary (programs include each batch\'s hand-written examples):');
for (const s of summary) {
  console.log(
    `  ${s.kind.padEnd(16)} ${String(s.programs).padStart(7)} programs ${String(s.steps).padStart(9)} steps ${String(s.collects).padStart(7)} collect() ` +
      `${String(s.gapChecks).padStart(7)} gap checks ${String(s.deadSkipped).padStart(8)} dead skipped ${String(s.lateCollects).padStart(3)} late ${(s.ms / 1000).toFixed(1).padStart(8)} s`,
  );
}
process.exit(failed ? 1 : 0);
