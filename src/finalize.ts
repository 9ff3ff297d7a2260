import { describeTarget, inspectCustom } from './internal/describe.js';
import { assertWeakTarget, kindOf, type WeakTarget } from './internal/holdable.js';
import { COUNTED, NOTIFY, recordFor, StrongHolder, type Watcher } from './internal/record.js';
import { noteCleanup } from './internal/registry.js';
import { reportUnraisable } from './internal/unraisable.js';

/**
 * What {@link Finalizer.peek} and {@link Finalizer.detach} return: a fresh plain object each time,
 * holding the target strongly (it is alive when returned).
 */
export interface FinalizerInfo<A extends unknown[], R> {
  /** The (live) target. */
  target: WeakTarget;
  /**
   * The function that would run. Typed as a method (checked bivariantly) so that a
   * `Finalizer<[number], void>` still fits an `Array<Finalizer<unknown[], unknown>>`.
   */
  fn: { bivarianceHack(...args: A): R }['bivarianceHack'];
  /** A copy of the arguments it would run with. */
  args: A;
}

/**
 * A pending call of `fn(...args)` tied to a target's collection: what {@link finalize} returns
 * (Python's `weakref.finalize` object).
 *
 * GC semantics: the target is held weakly; the library holds the Finalizer (and through it `fn` and
 * `args`) strongly until `fn` ran or the Finalizer was detached, then lets go of `fn` and `args`.
 *
 * @typeParam A the arguments' types
 * @typeParam R what `fn` returns
 * @example
 * ```ts
 * import { finalize } from 'weakref-ts';
 * const socket = { id: 1 };
 * const f = finalize(socket, (id: number) => console.log('closed', id), socket.id);
 * f.peek()?.args; // [1]
 * f.atExit = false; // do not run at process exit
 * f.detach();       // never runs; fn and args can be collected
 * ```
 */
export interface Finalizer<A extends unknown[], R> {
  /** True until `fn` ran (collection, {@link Finalizer.invoke} or exit) or the Finalizer was detached. */
  readonly alive: boolean;
  /**
   * Whether `fn` runs at normal process exit if the Finalizer is still alive then (default `true`).
   * Reads `false` once the Finalizer is dead; setting it then does nothing.
   */
  atExit: boolean;
  /**
   * Python's `__call__`: if alive, marks the Finalizer dead and runs `fn(...args)` now, returning
   * its result (an error thrown by `fn` reaches the caller); else returns `undefined`.
   */
  invoke(): R | undefined;
  /**
   * If alive and the target is still reachable, marks the Finalizer dead without running `fn` and
   * returns `{ target, fn, args }`; else `undefined` (a Finalizer whose target was already
   * collected still runs: its call is only waiting for the engine's finalization task).
   */
  detach(): FinalizerInfo<A, R> | undefined;
  /** Like {@link Finalizer.detach} but leaves the Finalizer alive. */
  peek(): FinalizerInfo<A, R> | undefined;
  /** `<Finalizer for Worker>` while alive, `<Finalizer dead>` after. */
  toString(): string;
}

// ---- Exit ---------------------------------------------------------------------------------------

/** Live finalizers, oldest first: what runs at exit (and what keeps them reachable). */
let live: Set<FinalizerImpl<unknown[], unknown>> | undefined;
let exitHookInstalled = false;
let exiting = false;

interface ExitTarget {
  on?: (event: 'exit', listener: () => void) => unknown;
}
interface PageTarget {
  addEventListener?: (type: string, listener: (event: { persisted?: boolean }) => void) => void;
}

/**
 * One listener for the whole library, installed on first use. Node, Deno and Bun have a global
 * `process` with an `exit` event (end of the event loop and `process.exit()`), which needs no
 * import. A browser has no exit; `pagehide` (when the page is not kept in the back/forward cache)
 * is the best effort, and `unload` where `pagehide` does not exist.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const g = globalThis as { process?: ExitTarget } & PageTarget & { onpagehide?: unknown };
  if (typeof g.process?.on === 'function') {
    g.process.on('exit', runAtExit);
  } else if (typeof g.addEventListener === 'function') {
    const type = 'onpagehide' in g ? 'pagehide' : 'unload';
    g.addEventListener(type, (event) => {
      if (event?.persisted !== true) runAtExit();
    });
  }
}

/**
 * Runs every live finalizer whose `atExit` is set, newest first (CPython's order), each through its
 * own try/catch. A finalizer created by one of them is the newest then, so it runs next (as in
 * CPython, which re-reads its registry whenever it changed).
 */
function runAtExit(): void {
  if (exiting || live === undefined) return;
  exiting = true;
  try {
    let pending = [...live];
    let seen = sequence;
    while (pending.length > 0) {
      if (seen !== sequence) {
        pending = [...live];
        seen = sequence;
      }
      const finalizer = pending.pop()!;
      if (finalizer.atExit) finalizer.run();
    }
  } finally {
    exiting = false;
  }
}

// ---- The Finalizer -------------------------------------------------------------------------------

/** Counts finalizers ever made: a change tells the exit loop that one was created while it ran. */
let sequence = 0;

class FinalizerImpl<A extends unknown[], R> implements Finalizer<A, R>, Watcher {
  #target: WeakRef<WeakTarget> | undefined;
  #fn: ((...args: A) => R) | undefined;
  #args: A | undefined;
  #holder: StrongHolder | undefined;
  #atExit = true;
  readonly #label: string;

  constructor(target: WeakTarget, fn: (...args: A) => R, args: A) {
    sequence++;
    this.#target = new WeakRef(target);
    this.#fn = fn;
    this.#args = args;
    this.#label = `<Finalizer for ${describeTarget(target)}>`;
    const holder = new StrongHolder(this);
    // attach() throws where there is no FinalizationRegistry, before anything is recorded.
    recordFor(target).attach(target, holder, true, 'finalize()');
    this.#holder = holder;
    (live ??= new Set()).add(this as FinalizerImpl<unknown[], unknown>);
    installExitHook();
  }

  get alive(): boolean {
    return this.#fn !== undefined;
  }

  get atExit(): boolean {
    return this.alive && this.#atExit;
  }

  set atExit(value: boolean) {
    this.#atExit = Boolean(value);
  }

  /** Makes the Finalizer dead and lets go of everything; returns what it held, if it was alive. */
  #kill(): { fn: (...args: A) => R; args: A } | undefined {
    const fn = this.#fn;
    const args = this.#args;
    if (fn === undefined || args === undefined) return undefined;
    this.#fn = undefined;
    this.#args = undefined;
    this.#target = undefined;
    this.#holder?.clear();
    this.#holder = undefined;
    live?.delete(this as FinalizerImpl<unknown[], unknown>);
    return { fn, args };
  }

  /** Runs `fn` once for the collection or at exit: errors go to the unraisable hook. */
  run(): void {
    const taken = this.#kill();
    if (taken === undefined) return;
    noteCleanup();
    try {
      taken.fn(...taken.args);
    } catch (error) {
      reportUnraisable({ error, kind: 'finalizer', source: this }, this.#label);
    }
  }

  /** @internal The target died. */
  [NOTIFY](): void {
    this.run();
  }

  /** @internal Finalizers are not weak references: getWeakRefs does not list them. */
  get [COUNTED](): undefined {
    return undefined;
  }

  invoke(): R | undefined {
    const taken = this.#kill();
    if (taken === undefined) return undefined;
    noteCleanup();
    return taken.fn(...taken.args);
  }

  #info(): FinalizerInfo<A, R> | undefined {
    const target = this.#target?.deref();
    const fn = this.#fn;
    const args = this.#args;
    if (target === undefined || fn === undefined || args === undefined) return undefined;
    return { target, fn, args: [...args] as unknown[] as A };
  }

  peek(): FinalizerInfo<A, R> | undefined {
    return this.#info();
  }

  detach(): FinalizerInfo<A, R> | undefined {
    const info = this.#info();
    if (info !== undefined) this.#kill();
    return info;
  }

  toString(): string {
    const target = this.#target?.deref();
    return target === undefined || !this.alive ? '<Finalizer dead>' : `<Finalizer for ${describeTarget(target)}>`;
  }

  /** @internal Node's util.inspect prints the same text as String(). */
  [inspectCustom](): string {
    return this.toString();
  }
}

/**
 * Python's `weakref.finalize`: arranges for `fn(...args)` to run once, after `target` is collected,
 * at process exit, or when {@link Finalizer.invoke} is called, whichever comes first.
 *
 * GC semantics: `target` is held weakly. The library keeps the returned Finalizer, `fn` and `args`
 * alive until `fn` has run or the Finalizer is detached, whether or not the program keeps the
 * Finalizer. After the target's collection, `fn` runs in a later task (with every other callback
 * for that target, newest first); its errors go to the unraisable hook with kind `'finalizer'`.
 *
 * At process exit (in Node, Deno and Bun: the end of the event loop, `process.exit()`, and also the
 * exit after an uncaught exception, as CPython runs them at interpreter shutdown; not when a signal
 * kills the process or a fatal error aborts it) every live Finalizer whose `atExit` is set runs,
 * newest first; a throwing one is reported to the unraisable hook and the others still run. In a browser this is best
 * effort: on `pagehide` when the page is not kept in the back/forward cache.
 *
 * `fn` and `args` must not reach the target, or it could never be collected: passing the target
 * itself throws; a closure or an object that captures it cannot be detected, so keep them apart.
 *
 * @param target the object, function or non-registered symbol to watch
 * @param fn what to call
 * @param args the arguments for `fn` (held strongly until it ran)
 * @returns the Finalizer, with `alive`, `atExit`, `invoke()`, `detach()` and `peek()`
 * @throws TypeError when `target` cannot be held weakly, `fn` is not a function, or `fn` or one of
 *   `args` is the target itself
 * @example
 * ```ts
 * import { finalize } from 'weakref-ts';
 * const handle = { fd: 3 };
 * const file = { handle };
 * const closer = finalize(file, (h: { fd: number }) => console.log('closing', h.fd), handle);
 * closer.alive;    // true
 * closer.invoke(); // prints "closing 3" now; it will not run again
 * closer.alive;    // false
 * ```
 */
export function finalize<A extends unknown[], R>(target: WeakTarget, fn: (...args: A) => R, ...args: A): Finalizer<A, R> {
  assertWeakTarget(target);
  if (typeof fn !== 'function') {
    throw new TypeError(`Cannot finalize: fn must be a function, not a '${kindOf(fn)}' value`);
  }
  if ((fn as unknown) === target) {
    throw new TypeError('Cannot finalize: fn is the target itself, so the target could never be collected');
  }
  const index = args.indexOf(target);
  if (index >= 0) {
    throw new TypeError(`Cannot finalize: args[${index}] is the target itself, so the target could never be collected`);
  }
  return new FinalizerImpl(target, fn, args);
}
