// `npm run bench [-- --quick | --smoke] [--only ops,refs,memory,mass,churn,correct] [--no-write]`
//
// Runs every measurement suite in a fresh child process of its own (sequentially: the machine has
// 2 cores), prints a markdown report and writes bench/results/latest.{json,md}.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES } from './lib/impls.mjs';
import { CHUNK, parseArgs } from './lib/util.mjs';
import { runChild as child } from './lib/child.mjs';
import { evaluateTargets, renderMarkdown } from './lib/render.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const level = args.smoke ? 'smoke' : args.quick ? 'quick' : 'full';
const CONFIG = {
  // The suites at 1M are three quarters of the full run. With 5 repetitions there the run took
  // 1,694 s of its 1,800 (2026-11-23, 03:37 UTC); hours later the same machine ran the quick bench a
  // quarter slower (65 s against 52). With 4 repetitions at 1M three full runs took 1,501-1,538 s.
  full: { ns: [100_000, 1_000_000], reps: 5, repsAt1M: 4, warmup: 1, memN: 1_000_000, massN: 1_000_000, churnN: 1_000_000, correctN: 200 },
  // Quick: under 2 minutes on 2 shared cores (181 s at N = 100k with load average 8, so 50k).
  quick: { ns: [50_000], reps: 3, warmup: 1, memN: 100_000, massN: 100_000, churnN: 100_000, correctN: 100 },
  smoke: { ns: [2_000], reps: 1, warmup: 0, memN: 2_000, massN: 2_000, churnN: 2_000, correctN: 20 },
}[level];
// Parts of the method, for a run split over several commands (merged again with --render a,b).
if (typeof args.ns === 'string') CONFIG.ns = args.ns.split(',').map(Number);
if (typeof args.reps === 'string') {
  CONFIG.reps = Number(args.reps);
  delete CONFIG.repsAt1M;
}
const repsFor = (n) => (n >= 1_000_000 && CONFIG.repsAt1M !== undefined ? CONFIG.repsAt1M : CONFIG.reps);
if (typeof args.warmup === 'string') CONFIG.warmup = Number(args.warmup);
const MODES = typeof args.modes === 'string' ? args.modes.split(',') : ['bulk', 'chunked'];
const CATS = typeof args.cats === 'string' ? args.cats.split(',') : Object.keys(CATEGORIES);
const SUITES = ['ops', 'refs', 'memory', 'mass', 'churn', 'correct'];
const only = typeof args.only === 'string' ? args.only.split(',') : SUITES;
const write = !args['no-write'] && level !== 'smoke';
const outDir = typeof args.out === 'string' ? args.out : join(here, 'results');

if (typeof args.render === 'string') {
  // Re-renders saved runs without measuring: one file (e.g. the partial file of an interrupted run),
  // or several comma-separated runs of parts of the full method (--ns/--cats/--modes/--only) merged.
  const runs = args.render.split(',').map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const merged = runs.length === 1 ? runs[0] : mergeRuns(runs);
  merged.targets = evaluateTargets(merged);
  const md = renderMarkdown(merged);
  process.stdout.write(md);
  if (typeof args.name === 'string') {
    writeFileSync(join(outDir, `${args.name}.json`), `${JSON.stringify(merged, null, 1)}\n`);
    writeFileSync(join(outDir, `${args.name}.md`), md);
  }
  process.exit(0);
}

function mergeRuns(runs) {
  const [first] = runs;
  const out = { ...first, command: runs.map((r) => r.command).join(' && '), seconds: runs.reduce((t, r) => t + (r.seconds ?? 0), 0) };
  out.config = { ...first.config, ns: [...new Set(runs.flatMap((r) => r.config.ns))].sort((a, b) => a - b), modes: [...new Set(runs.flatMap((r) => r.config.modes))] };
  out.machine = { ...first.machine, loadavgEnd: runs.at(-1).machine.loadavgEnd };
  for (const key of ['ops', 'refs', 'memory', 'mass', 'churn', 'correct']) out[key] = runs.flatMap((r) => r[key] ?? []);
  out.parts = runs.map((r) => ({ command: r.command, date: r.date, seconds: r.seconds, loadavgStart: r.machine.loadavgStart, loadavgEnd: r.machine.loadavgEnd }));
  return out;
}

function progress(text) {
  // Everything measured so far, so that an interrupted run still leaves its numbers behind.
  if (write) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `${typeof args.name === "string" ? args.name : level}.tmp.json`), JSON.stringify(result));
  }
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${text}\n`);
}

const started = Date.now();
const loadStart = os.loadavg();
const result = {
  level,
  command: process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    : `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavgStart: loadStart.map((x) => Math.round(x * 100) / 100),
  },
  node: process.version,
  v8: process.versions.v8,
  config: { ...CONFIG, modes: MODES, chunk: CHUNK },
  ops: [],
  refs: [],
  memory: [],
  mass: [],
  churn: [],
  correct: [],
};

if (only.includes('ops')) {
  for (const n of CONFIG.ns) {
    for (const cat of CATS) {
      for (const mode of MODES) {
        progress(`ops ${cat} N=${n} ${mode}`);
        result.ops.push(await child('ops.mjs', ['--cat', cat, '--n', n, '--mode', mode, '--reps', repsFor(n), '--warmup', CONFIG.warmup]));
      }
    }
  }
}
if (only.includes('refs')) {
  for (const n of CONFIG.ns) {
    for (const mode of MODES) {
      progress(`refs N=${n} ${mode}`);
      result.refs.push(await child('refs.mjs', ['--n', n, '--mode', mode, '--reps', repsFor(n), '--warmup', CONFIG.warmup]));
    }
  }
}
if (only.includes('memory')) {
  for (const [cat, { impls }] of Object.entries(CATEGORIES)) {
    for (const def of impls) {
      if (def.kind === 'floor') continue;
      progress(`memory ${cat} ${def.id} N=${CONFIG.memN}`);
      result.memory.push(await child('memory.mjs', ['--cat', cat, '--impl', def.id, '--n', CONFIG.memN]));
    }
  }
}
if (only.includes('mass')) {
  for (const [cat, { impls }] of Object.entries(CATEGORIES)) {
    for (const def of impls) {
      if (def.kind === 'native' || def.kind === 'floor') continue; // strong, not iterable, or a variant
      const methods = def.kind === 'ours' ? ['collect', 'gc'] : ['gc'];
      for (const method of methods) {
        progress(`mass ${cat} ${def.id} ${method} N=${CONFIG.massN}`);
        result.mass.push(await child('mass.mjs', ['--cat', cat, '--impl', def.id, '--n', CONFIG.massN, '--method', method]));
      }
    }
  }
}
if (only.includes('churn')) {
  for (const row of ['ref(target, cb)', 'new Ref(target, cb)', 'ref(target)', 'new WeakRef(target)', 'WeakRef + register(target, ref)']) {
    progress(`churn ${row} N=${CONFIG.churnN}`);
    result.churn.push(await child('churn.mjs', ['--row', row, '--n', CONFIG.churnN]));
  }
}
if (only.includes('correct')) {
  for (const cat of Object.keys(CATEGORIES)) {
    progress(`correctness ${cat}`);
    result.correct.push(await child('correct.mjs', ['--cat', cat, '--n', CONFIG.correctN]));
  }
}

result.seconds = Math.round((Date.now() - started) / 1000);
result.machine.loadavgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
result.targets = evaluateTargets(result);
const md = renderMarkdown(result);
process.stdout.write(md);
const partial = ['only', 'ns', 'cats', 'modes', 'reps', 'warmup'].some((k) => args[k] !== undefined);
const name = typeof args.name === 'string' ? args.name : level === 'full' && !partial ? 'latest' : level;
if (write) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  writeFileSync(join(outDir, `${name}.md`), md);
  progress(`wrote ${join(outDir, name)}.json and .md`);
}
const errors = [...result.ops, ...result.refs, ...result.memory, ...result.mass, ...result.churn, ...result.correct].filter((r) => r.error);
if (errors.length) {
  for (const e of errors) progress(`FAILED ${e.script} ${e.args.join(' ')}: ${e.error}`);
  process.exitCode = 1;
}
