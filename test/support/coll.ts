// Helpers for the collection tests: real garbage collection only (node --expose-gc, or collect()).
import { collect } from 'weakref-ts/gc';

/** One macrotask: the only boundary that clears V8's KeepDuringJob set. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function bareGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('these tests need node --expose-gc (npm test passes it)');
  gc();
}

/**
 * Starts a fresh job, then runs a bare full GC. When this resolves, the caller is still in that
 * job: every unreachable weak target is gone (WeakRefs cleared) but no finalization callback has
 * run yet, neither the library's nor anyone's. Do not await anything else before checking.
 */
export async function gcBeforeCleanup(): Promise<void> {
  await macrotask();
  bareGc();
}

/**
 * A witness that proves a check ran before the engine's finalization callbacks: a registry of its
 * own, watching an object that dies with the garbage under test.
 */
export class CleanupWitness {
  fired = false;
  readonly #registry = new FinalizationRegistry<string>(() => {
    this.fired = true;
  });
  watch(target: object): void {
    this.#registry.register(target, 'watched');
  }
}

/** Waits a bounded number of macrotasks, long enough for pending finalization callbacks to run. */
export async function turns(count = 8): Promise<void> {
  for (let i = 0; i < count; i++) await macrotask();
}

/** heapUsed after the library's collect(), in bytes. */
export async function settledHeap(): Promise<number> {
  await collect();
  await collect();
  return process.memoryUsage().heapUsed;
}

/** A distinct object with a readable id. */
export function obj(id: number | string): { id: number | string } {
  return { id };
}

export { collect };
