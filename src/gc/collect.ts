import { cleanupCount, hasFinalizationRegistry, nextCleanup, sweepAll } from '../internal/registry.js';
import { fullGc, macrotask, unsupported } from './engine.js';

const MAX_ROUNDS = 100;
const TURNS_PER_WAIT = 8;
const RETRIES_PER_ROUND = 5;
// JSC scans stacks conservatively: what a callback just released can survive the next collection,
// so Bun stops only after two rounds in a row ran no cleanup (a Bun.gc round costs about 1 ms).
const QUIET_ROUNDS = (globalThis as { Bun?: unknown }).Bun === undefined ? 1 : 2;

/**
 * Python's `gc.collect()` for JavaScript: forces full collections until nothing more dies, and
 * resolves once every Ref callback, finalizer and collection cleanup for what died has run.
 *
 * It needs no `--expose-gc` flag. It first waits one macrotask, so that objects the caller's job
 * touched are no longer kept alive by the engine. Then each round forces a collection, waits for the
 * library's finalization batch (a sentinel in the same registry settles after the whole batch),
 * sweeps every live weak collection, and goes again while that round ran any callback or dropped
 * any entry (a finalizer's `args` may have held the last reference to another finalized object),
 * at most 100 rounds.
 *
 * @throws Error naming the engine, where it has no way to force a collection
 * @example
 * ```ts
 * import { WeakValueMap } from 'weakref-ts';
 * import { collect } from 'weakref-ts/gc';
 * const cache = new WeakValueMap<string, object>();
 * cache.set('a', {});      // nothing else holds the value
 * await collect();
 * cache.size;              // 0, exactly
 * ```
 */
export async function collect(): Promise<void> {
  if (!hasFinalizationRegistry()) {
    throw unsupported('collect', 'it has no FinalizationRegistry, so nothing reports what a collection freed');
  }
  const gc = fullGc('collect');
  await macrotask();
  let quiet = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = cleanupCount();
    await collectOnce(gc);
    sweepAll();
    quiet = cleanupCount() === before ? quiet + 1 : 0;
    if (quiet >= QUIET_ROUNDS) return;
    // Callbacks dereferenced things in their task; a new macrotask lets those go before the next GC.
    await macrotask();
  }
}

async function collectOnce(gc: () => void): Promise<void> {
  for (let attempt = 0; attempt < RETRIES_PER_ROUND; attempt++) {
    let fired = false;
    const done = nextCleanup().then(() => {
      fired = true;
    });
    gc();
    for (let turn = 0; turn < TURNS_PER_WAIT && !fired; turn++) await macrotask();
    if (fired) return done;
  }
}
