// whyAlive on a heap of 1,000,000 live objects, against v8.writeHeapSnapshot() alone on the same heap.
//   npm run build && node bench/why-alive.mjs [--objects 1000000] [--reps 3]
// Every run is a fresh child process that builds the heap and then does ONE of: `snapshot`
// (v8.writeHeapSnapshot to a temp file) or `whyAlive` (one whyAlive call on the newest object), so
// that its peak RSS is that operation's own. The modes alternate; the report lists every run and
// the medians. Time the whyAlive phases with --phases (one extra child, using dist internals).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { parseArgs } from './lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const objects = Number(args.objects ?? 1_000_000);
const mode = args.mode;

class Worker {
  constructor(id) {
    this.id = id;
  }
}

async function child() {
  const workers = [];
  for (let i = 0; i < objects; i++) workers.push(new Worker(i));
  globalThis.registry = { workers };
  const target = workers[objects - 1];
  const { whyAlive } = await import('weakref-ts/gc');
  await new Promise((resolve) => setImmediate(resolve));
  const rssBefore = process.memoryUsage().rss;
  let output = '';
  let phases;
  const dir = mkdtempSync(join(tmpdir(), 'why-alive-bench-'));
  const t0 = performance.now();
  if (mode === 'snapshot') v8.writeHeapSnapshot(join(dir, 'heap.heapsnapshot'));
  else if (mode === 'whyAlive') output = whyAlive(target);
  else phases = await timePhases(target, dir);
  const ms = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ mode, ms, rssBefore, peakRss, output, phases }));
}

/** The same work as whyAlive, phase by phase, through the built internals. */
async function timePhases(target, dir) {
  const { snapshotAround } = await import('../dist/gc/heap.js');
  const { Walker } = await import('../dist/gc/walk.js');
  const { Describer } = await import('../dist/gc/words.js');
  const out = {};
  let t = performance.now();
  v8.writeHeapSnapshot(join(dir, 'alone.heapsnapshot'));
  out.writeHeapSnapshotAlone = performance.now() - t;
  t = performance.now();
  const graph = snapshotAround('bench', target);
  out.snapshotReadParse = performance.now() - t;
  t = performance.now();
  const walker = new Walker(graph);
  const edges = walker.retainerEdges();
  out.searchIncludingReverseIndex = performance.now() - t;
  t = performance.now();
  new Describer(walker).steps(edges);
  out.words = performance.now() - t;
  out.nodes = graph.nodeCount;
  out.edges = graph.edgeCount;
  return out;
}

if (mode !== undefined) {
  await child();
} else {
  const reps = Number(args.reps ?? 3);
  const self = fileURLToPath(import.meta.url);
  const run = (m) => {
    const result = spawnSync(process.execPath, [self, '--mode', m, '--objects', String(objects)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout.trim().split('\n').pop());
  };
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const runs = { snapshot: [], whyAlive: [] };
  for (let r = 0; r < reps; r++) {
    for (const m of r % 2 === 0 ? ['snapshot', 'whyAlive'] : ['whyAlive', 'snapshot']) {
      const result = run(m);
      runs[m].push(result);
      console.log(`${m.padEnd(8)} ${result.ms.toFixed(0).padStart(6)} ms   RSS before ${mib(result.rssBefore)}, peak ${mib(result.peakRss)}`);
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const snap = median(runs.snapshot.map((r) => r.ms));
  const why = median(runs.whyAlive.map((r) => r.ms));
  console.log(`\n${objects.toLocaleString('en')} live objects, Node ${process.versions.node}, median of ${reps}:`);
  console.log(`  v8.writeHeapSnapshot(): ${snap.toFixed(0)} ms, peak RSS ${mib(median(runs.snapshot.map((r) => r.peakRss)))}`);
  console.log(`  whyAlive():             ${why.toFixed(0)} ms, peak RSS ${mib(median(runs.whyAlive.map((r) => r.peakRss)))}`);
  console.log(`  ratio: ${(why / snap).toFixed(2)}x (target <= 2x)`);
  if (args.phases) {
    const { phases } = run('phases');
    console.log('\nphases (one process, ms):', Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])));
  }
  console.log(`\nwhyAlive output:\n${runs.whyAlive[0].output}`);
}
