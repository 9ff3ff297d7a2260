import type { WeakTarget } from './holdable.js';
import { type Cleanup, hasFinalizationRegistry, register, registerSentinel } from './registry.js';

/** Internal protocol, keyed by symbols that the public entry points never export. */
export const NOTIFY: unique symbol = Symbol('weakref-ts.notify');
export const COUNTED: unique symbol = Symbol('weakref-ts.counted');

/**
 * Something that watches a target: a Ref, a proxy's state, or a Finalizer.
 * `NOTIFY` runs once after the target died and runs the user callback, if any, catching its errors.
 * `COUNTED` is what `getWeakRefs` reports for it, or `undefined` for what is not counted (finalizers).
 */
export interface Watcher {
  [NOTIFY](): void;
  readonly [COUNTED]: object | undefined;
}

/** How a record holds a watcher: weakly for Refs and proxies, strongly for live finalizers. */
export interface Holder {
  deref(): Watcher | undefined;
}

/** A strong holder that can be emptied, for finalizers: detach() must let `fn` and `args` go. */
export class StrongHolder implements Holder {
  #watcher: Watcher | undefined;
  constructor(watcher: Watcher) {
    this.#watcher = watcher;
  }
  deref(): Watcher | undefined {
    return this.#watcher;
  }
  clear(): void {
    this.#watcher = undefined;
  }
}

const PRUNE_MIN = 32;

/**
 * Everything the library knows about one target, in a WeakMap keyed by it. It never references the
 * target, so it cannot keep it alive; it is registered (once) only when a watcher has something to
 * run, and is then the held value that hears of the target's death.
 */
export class TargetRecord implements Cleanup {
  /** Oldest first; dead holders are pruned in amortized passes. */
  #holders: Holder[] = [];
  /** The Ref that `ref(target)` without a callback shares, while it is reachable. */
  shared: WeakRef<Watcher> | undefined;
  #registered = false;
  #pruneAt = PRUNE_MIN;
  #pruner: Cleanup | undefined;
  #prunerArmed = false;
  #quietRounds = 0;

  /** Adds a watcher, newest last. `needsNotice` registers the target if nothing did yet. */
  attach(target: WeakTarget, holder: Holder, needsNotice: boolean, fn?: string): void {
    if (needsNotice && !this.#registered) {
      // Register before pushing: if register threw, the record must stay as it was.
      register(target, this, fn);
      this.#registered = true;
    }
    this.#holders.push(holder);
    if (this.#holders.length >= this.#pruneAt) this.#prune();
  }

  /** Takes over the lone holder of a shared Ref (see {@link recordFor}): it is the oldest watcher. */
  adoptShared(holder: WeakRef<Watcher>): void {
    this.#holders.push(holder);
    this.shared = holder;
  }

  /** The target died: tell every watcher that is still reachable, newest first (CPython's order). */
  collected(): void {
    const holders = this.#holders;
    this.#holders = [];
    this.shared = undefined;
    for (let i = holders.length - 1; i >= 0; i--) {
      holders[i]!.deref()?.[NOTIFY]();
    }
  }

  /** The reachable Refs and proxies, oldest first. */
  counted(): object[] {
    const out: object[] = [];
    for (const holder of this.#holders) {
      const seen = holder.deref()?.[COUNTED];
      if (seen !== undefined) out.push(seen);
    }
    return out;
  }

  /**
   * Drops holders whose watcher is gone. Growth alone would leave a million dead holders behind
   * after a burst of dropped Refs (all of them alive in the job that made them), so a large record
   * also arms a one-shot sentinel and prunes again after each full collection, until two
   * collections in a row find nothing to drop: one that ran in the middle of the burst finds
   * nothing yet, because the job's Refs were still kept alive then.
   */
  #prune(afterCollection = false): void {
    const before = this.#holders.length;
    this.#holders = this.#holders.filter((holder) => holder.deref() !== undefined);
    const after = this.#holders.length;
    this.#pruneAt = Math.max(PRUNE_MIN, after * 2);
    if (!afterCollection) this.#quietRounds = 0;
    else if (after === before) this.#quietRounds++;
    if (after >= PRUNE_MIN && this.#quietRounds < 2 && !this.#prunerArmed && hasFinalizationRegistry()) {
      this.#prunerArmed = true;
      this.#pruner ??= {
        collected: () => {
          this.#prunerArmed = false;
          this.#prune(true);
        },
      };
      registerSentinel(this.#pruner);
    }
  }
}

/*
 * A target's entry is either its TargetRecord or, in the common case where the only watcher is the
 * Ref that `ref(target)` shares, that Ref's weak holder alone. The WeakMap store is the cost V8
 * charges for sharing; a record and its holder array on top of it doubled `ref(o)`, so the record is
 * made only when a second watcher or a callback arrives.
 */
let records: WeakMap<WeakTarget, TargetRecord | WeakRef<Watcher>> | undefined;
/** The entry the last {@link sharedWatcher} miss found, for {@link shareWatcher} right after it. */
let looked: TargetRecord | WeakRef<Watcher> | undefined;

/** The record of `target`, created on first use. `target` must already be checked weakly holdable. */
export function recordFor(target: WeakTarget): TargetRecord {
  records ??= new WeakMap();
  const entry = records.get(target);
  if (entry instanceof TargetRecord) return entry;
  const record = new TargetRecord();
  if (entry !== undefined) record.adoptShared(entry);
  records.set(target, record);
  return record;
}

/**
 * The live watcher `ref(target)` shares, if any. Remembers what it found, so that the
 * {@link shareWatcher} call that follows a miss does not look again.
 */
export function sharedWatcher(target: WeakTarget): Watcher | undefined {
  const entry = records?.get(target);
  const watcher = entry === undefined ? undefined : (entry instanceof TargetRecord ? entry.shared : entry)?.deref();
  looked = watcher === undefined ? entry : undefined;
  return watcher;
}

/**
 * Makes `holder` (of a callback-less watcher) the one `ref(target)` shares. Must follow a
 * {@link sharedWatcher}(target) that found none, with nothing in between that touches records.
 */
export function shareWatcher(target: WeakTarget, holder: WeakRef<Watcher>): void {
  const entry = looked;
  looked = undefined;
  if (entry instanceof TargetRecord) {
    entry.attach(target, holder, false);
    entry.shared = holder;
  } else {
    // No entry, or the lone holder of a shared Ref the program dropped: replace it.
    records ??= new WeakMap();
    records.set(target, holder);
  }
}

/** The reachable Refs and proxies watching `target`, oldest first (empty if none). */
export function countedWatchers(target: WeakTarget): object[] {
  const entry = records?.get(target);
  if (entry === undefined) return [];
  if (entry instanceof TargetRecord) return entry.counted();
  const watcher = entry.deref();
  return watcher === undefined ? [] : [watcher[COUNTED]!];
}
