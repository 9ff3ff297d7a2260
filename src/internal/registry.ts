import type { WeakTarget } from './holdable.js';

/**
 * A held value in the library's registry: told once, after its target was collected.
 * Implementations catch every user error themselves; `collected` must not throw.
 */
export interface Cleanup {
  collected(): void;
}

/** Set once a library structure needs a sweep at `collect()` time (see {@link trackSweepable}). */
export interface Sweepable {
  /** Drops every entry whose weak side is gone; returns how many it dropped. */
  sweep(): number;
}

/*
 * One registry for the whole library, created at first use, never at import.
 * - V8 cleans one dirty registry per task, so R registries take R turns to settle; with one,
 *   `collect()` waits for a single batch.
 * - A batch runs without a microtask checkpoint, so a sentinel's promise settles only after every
 *   cell of the same batch has run.
 * - It lives in module state: an unreachable registry never calls back.
 */
let registry: FinalizationRegistry<Cleanup> | undefined;

/** False on engines such as Hermes. Checked lazily: importing must still work there. */
export function hasFinalizationRegistry(): boolean {
  return typeof FinalizationRegistry === 'function';
}

function onCollected(held: Cleanup): void {
  try {
    held.collected();
  } catch {
    // Library bug guard: a throw here would become uncaughtException and stall the batch.
  }
}

function getRegistry(fn: string): FinalizationRegistry<Cleanup> {
  if (registry === undefined) {
    if (!hasFinalizationRegistry()) {
      throw new Error(`weakref-ts: ${fn} is not supported on ${engineName()}: it has no FinalizationRegistry, so callbacks and finalizers cannot run`);
    }
    registry = new FinalizationRegistry(onCollected);
  }
  return registry;
}

/** Registers `target`; `held` is told after it was collected. No unregister token: held values verify. */
export function register(target: WeakTarget, held: Cleanup, fn = 'a weak-reference callback'): void {
  getRegistry(fn).register(target, held);
}

/**
 * Registers a fresh object that nothing references and nothing derefs, so it dies in the next
 * full collection (scavenges never clear weak targets in V8) and `held` hears about it in the same
 * batch as everything else that died there.
 */
export function registerSentinel(held: Cleanup, fn = 'collect()'): void {
  getRegistry(fn).register({}, held);
}

// ---- The GC epoch -----------------------------------------------------------------------------
//
// The collections do not pay a registry cell per entry (72 bytes, more than the rest of an entry).
// Instead one sentinel is always armed; each time a full collection kills it, the epoch advances
// and re-arms. A structure whose last sweep saw the current epoch knows nothing of its has died
// since, because weak targets only die in collections and every collection also kills the sentinel.
// Deaths in a collection that runs between the sentinel's death and its callback are covered too:
// the epoch advances after them.

let epoch = 0;
let epochArmed = false;

const epochSentinel: Cleanup = {
  collected() {
    epoch++;
    epochArmed = false;
    armEpoch();
  },
};

function armEpoch(): void {
  if (!epochArmed) {
    epochArmed = true;
    registerSentinel(epochSentinel);
  }
}

/**
 * The number of full collections seen so far (as finalization callbacks report them). On an engine
 * without FinalizationRegistry every call returns a new number, so every check sweeps.
 */
export function gcEpoch(): number {
  if (epochArmed) return epoch;
  if (!hasFinalizationRegistry()) return ++epoch;
  armEpoch();
  return epoch;
}

// ---- What collect() needs --------------------------------------------------------------------

let cleanupsRun = 0;

/**
 * Counts one cleanup that may have released the last reference to something weakly held (a
 * callback or finalizer that ran, a dropped entry's key), so `collect()` knows to go again.
 */
export function noteCleanup(): void {
  cleanupsRun++;
}

/** How many user callbacks and finalizers have run, and dropped entries released a key, so far. */
export function cleanupCount(): number {
  return cleanupsRun;
}

/**
 * Resolves after the next full collection's finalization batch has run in full (the sentinel's
 * callback is part of that batch, and the promise settles only after the batch).
 */
export function nextCleanup(): Promise<void> {
  return new Promise((resolve) => {
    registerSentinel({ collected: resolve });
  });
}

// Collections, held weakly so that tracking one never keeps it alive.
let sweepables: Set<WeakRef<Sweepable>> | undefined;
let sweepablesPruneAt = 64;

/** Lets `collect()` sweep this structure eagerly, releasing what its dead entries still hold (keys). */
export function trackSweepable(structure: Sweepable): void {
  sweepables ??= new Set();
  sweepables.add(new WeakRef(structure));
  if (sweepables.size >= sweepablesPruneAt) {
    for (const holder of sweepables) if (holder.deref() === undefined) sweepables.delete(holder);
    sweepablesPruneAt = Math.max(64, sweepables.size * 2);
  }
}

/**
 * Sweeps every live tracked structure. What a sweep releases that could let more die counts as a
 * cleanup (the structures note it themselves, see {@link noteCleanup}); the rest does not, so a
 * million dead entries with string keys cost `collect()` no second collection.
 */
export function sweepAll(): void {
  if (sweepables === undefined) return;
  for (const holder of sweepables) {
    const structure = holder.deref();
    if (structure === undefined) sweepables.delete(holder);
    else structure.sweep();
  }
}

/** The engine's name for error messages: "Node 20.20.2", "Deno 2.9.6", "Bun 1.4.5", or the user agent. */
export function engineName(): string {
  const g = globalThis as {
    Bun?: { version?: string };
    Deno?: { version?: { deno?: string } };
    process?: { versions?: { node?: string } };
    navigator?: { userAgent?: string };
  };
  if (g.Bun?.version) return `Bun ${g.Bun.version}`;
  if (g.Deno?.version?.deno) return `Deno ${g.Deno.version.deno}`;
  if (g.process?.versions?.node) return `Node ${g.process.versions.node}`;
  return g.navigator?.userAgent ?? 'unknown engine';
}
