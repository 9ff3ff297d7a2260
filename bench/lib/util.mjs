// Shared helpers for the benchmark children and the runner. Plain ESM, no build step.

/** One macrotask: the only boundary certain to clear V8's KeepDuringJob set. */
export const immediate = () => new Promise((resolve) => setImmediate(resolve));

export function requireGc() {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('the benchmark children need --expose-gc (bench/run.mjs passes it)');
  }
  return globalThis.gc;
}

/** The forced-GC ritual of the method: 3 × (setImmediate + gc()), then one more turn for callbacks. */
export async function settle(rounds = 3) {
  const gc = requireGc();
  for (let i = 0; i < rounds; i++) {
    await immediate();
    gc();
  }
  await immediate();
  await immediate();
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Operations per job in chunked mode (V8 keeps what a job deref'd alive until the job ends). */
export const CHUNK = 1000;

/**
 * Keys or targets a warm-up repetition covers: it only has to get the code compiled and its inline
 * caches settled, and a smaller pass keeps a 1M suite inside the full run's time budget.
 */
export const WARMUP_N = 100_000;

/** The settings of a timed suite child (ops, refs): N, bulk or chunked, repetitions, warm-ups. */
export function timedSuiteArgs(argv) {
  const args = parseArgs(argv);
  return { args, n: Number(args.n), mode: args.mode, reps: Number(args.reps ?? 5), warmup: Number(args.warmup ?? 1) };
}

/** --name value / --flag parsing, enough for the runner and the children. */
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const name = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[name] = true;
    else {
      out[name] = next;
      i++;
    }
  }
  return out;
}

/** A child reports one JSON object on its last stdout line, after this marker. */
export const RESULT_MARK = '@@bench-result ';

export function report(result) {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

/** Rotation r of a list: implementation order changes every repetition. */
export function rotate(list, r) {
  const k = r % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export function heapUsed() {
  return process.memoryUsage().heapUsed;
}
