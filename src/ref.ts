/// <reference lib="es2023.collection" preserve="true" />
// Symbols as weak targets are typed in this lib; the reference travels into our .d.ts so that a
// project compiled against plain ES2022 can still type-check against us.
import { describeTarget, inspectCustom } from './internal/describe.js';
import { assertOptionalFunction, assertWeakTarget, type WeakTarget } from './internal/holdable.js';
import { COUNTED, NOTIFY, recordFor, sharedWatcher, shareWatcher, type Watcher } from './internal/record.js';
import { noteCleanup } from './internal/registry.js';
import { reportUnraisable } from './internal/unraisable.js';

export type { WeakTarget } from './internal/holdable.js';

/**
 * A callback's type as the `callback` property reports it. Written as a method signature so that
 * TypeScript checks it bivariantly: otherwise the parameter would make `Ref<T>` invariant, and a
 * `Ref<Worker>` (or the `Ref<this>` of `ref(this)`) could not be stored where a `Ref<object>` goes.
 */
export type RefCallback<R> = {
  /** Called once with the dead Ref. */
  bivarianceHack(ref: R): void;
}['bivarianceHack'];

/**
 * Set by {@link ref} just before it constructs the Ref it will share: the constructor then stores
 * its holder as the shared one (a single store) instead of attaching it to a record.
 */
let sharing = false;

/**
 * A weak reference with an optional callback: Python's `weakref.ref`, built on the engine's
 * `WeakRef` (every `Ref` is a `WeakRef`, so `deref()` is the native one).
 *
 * GC semantics: `deref()` returns the target until the engine collects it, then `undefined` for
 * ever. The engine keeps a target alive at least until the end of the job that created the Ref or
 * last dereferenced it. The callback runs once, in a later task, after the target was collected,
 * with this (now dead) Ref as argument, and only if the Ref itself is still reachable then: a dropped
 * Ref keeps neither itself nor its callback alive. Several Refs with callbacks on one target are
 * called back newest first. Errors thrown by the callback go to the unraisable hook.
 *
 * `new Ref(...)` always makes a new Ref; {@link ref} shares one Ref per target when there is no
 * callback. Subclasses may add fields and methods.
 *
 * @typeParam T the target's type: an object, a function or a non-registered symbol
 * @param target what to refer to, without keeping it alive
 * @param callback called once with this Ref after `target` was collected (Python's `__callback__`)
 * @throws TypeError when `target` cannot be held weakly (`cannot create weak reference to 'number' value`)
 *   or `callback` is neither a function nor `undefined`
 * @example
 * ```ts
 * import { Ref } from 'weakref-ts';
 * import { collect } from 'weakref-ts/gc';
 * class Worker { constructor(readonly name: string) {} }
 * let worker: Worker | undefined = new Worker('Alice');
 * const r = new Ref(worker, (dead) => console.log(String(dead))); // prints "<Ref dead>", later
 * r.deref()?.name; // 'Alice'
 * String(r);       // '<Ref to Worker>'
 * worker = undefined;
 * await collect(); // the engine collected Alice, and the callback has run
 * r.deref();       // undefined
 * r.callback;      // undefined: a callback runs once
 * ```
 */
export class Ref<T extends WeakTarget> extends WeakRef<T> implements Watcher {
  #callback: ((ref: Ref<T>) => void) | undefined;

  constructor(target: T, callback?: (ref: Ref<T>) => void) {
    const shared = sharing;
    sharing = false;
    assertWeakTarget(target);
    assertOptionalFunction(callback, 'create a Ref');
    super(target);
    this.#callback = callback;
    // The record holds this Ref weakly: dropping the Ref must let it, and its callback, be collected.
    const holder = new WeakRef<Watcher>(this);
    if (shared) shareWatcher(target, holder);
    else recordFor(target).attach(target, holder, callback !== undefined, 'new Ref(target, callback)');
  }

  /**
   * The callback given at construction (Python's `__callback__`); `undefined` if there was none or
   * once it has run.
   */
  get callback(): RefCallback<Ref<T>> | undefined {
    return this.#callback;
  }

  /** @internal Runs the callback once, after the target died. */
  [NOTIFY](): void {
    const callback = this.#callback;
    if (callback === undefined) return;
    this.#callback = undefined;
    noteCleanup();
    try {
      callback(this);
    } catch (error) {
      reportUnraisable({ error, kind: 'callback', source: this }, this.toString());
    }
  }

  /** @internal What getWeakRefs reports. */
  get [COUNTED](): object {
    return this;
  }

  /**
   * `<Ref to Worker>` while the target lives, `<Ref dead>` after; subclasses print their own class
   * name (`<KeyedRef to Worker>`).
   */
  override toString(): string {
    const target = this.deref();
    const name = this.constructor.name || 'Ref';
    return target === undefined ? `<${name} dead>` : `<${name} to ${describeTarget(target)}>`;
  }

  /** @internal Node's util.inspect prints the same text as String(). */
  [inspectCustom](): string {
    return this.toString();
  }

  /**
   * True for a Ref or any subclass instance: a brand check, not `instanceof`, so a changed
   * prototype cannot fool it. The same as {@link isRef}.
   * @param value anything
   */
  static isRef(value: unknown): value is Ref<WeakTarget> {
    return typeof value === 'object' && value !== null && #callback in value;
  }
}

/**
 * Python's `weakref.ref(target, callback)`. Without a callback it returns the one Ref that all
 * callers share for this target, for as long as that Ref is reachable (`ref(o) === ref(o)`), so
 * asking twice costs nothing. With a callback it always returns a new {@link Ref}.
 *
 * GC semantics: those of {@link Ref}. The shared Ref is itself held weakly: once the program drops
 * it, the next `ref(o)` makes a new one.
 *
 * @param target what to refer to, without keeping it alive
 * @param callback called once with the Ref after `target` was collected
 * @returns the shared Ref for `target` (no callback), or a new Ref
 * @throws TypeError when `target` cannot be held weakly, or `callback` is not a function
 * @example
 * ```ts
 * import { ref } from 'weakref-ts';
 * const node = { name: 'root' };
 * ref(node) === ref(node); // true: one shared Ref per target
 * ref(node, () => {}) === ref(node); // false: a callback always makes a new one
 * ```
 */
export function ref<T extends WeakTarget>(target: T, callback?: (ref: Ref<T>) => void): Ref<T> {
  if (callback !== undefined) return new Ref(target, callback);
  assertWeakTarget(target);
  const shared = sharedWatcher(target);
  if (shared !== undefined) return shared as Ref<T>;
  sharing = true;
  let created: Ref<T>;
  try {
    created = new Ref(target);
  } finally {
    // Also when the call failed before the constructor ran (a stack overflow at this very call):
    // a flag left set would make the next Ref anywhere skip its attaching, and lose its callback.
    sharing = false;
  }
  return created;
}

/**
 * True for a {@link Ref} or an instance of any of its subclasses ({@link KeyedRef}, `WeakMethod`),
 * dead or alive. A native `WeakRef` is not one of ours. Never throws.
 *
 * @param value anything
 * @returns whether `value` is a Ref of this library
 * @example
 * ```ts
 * import { isRef, ref } from 'weakref-ts';
 * isRef(ref({})); // true
 * isRef(new WeakRef({})); // false: a native WeakRef is not one of ours
 * ```
 */
export function isRef(value: unknown): value is Ref<WeakTarget> {
  return Ref.isRef(value);
}

/**
 * A {@link Ref} that also carries a key: Python's `weakref.KeyedRef`. `WeakValueMap.valueRefs()`
 * returns these, with the entry's key, so a callback can tell which entry it was about.
 *
 * GC semantics: those of {@link Ref}; the key is held strongly, and stays readable after the
 * target was collected, which is what makes it useful in a callback.
 *
 * @typeParam K the key's type; the key is held strongly
 * @param target what to refer to, without keeping it alive
 * @param callback called once with this KeyedRef after `target` was collected, or `undefined`
 * @param key any value to carry along
 * @throws TypeError as {@link Ref} does
 * @example
 * ```ts
 * import { KeyedRef } from 'weakref-ts';
 * const value = { id: 7 };
 * const r = new KeyedRef(value, (dead) => console.log(`entry ${dead.key} died`), 'seven');
 * r.key;              // 'seven'
 * r.deref() === value; // true
 * ```
 */
export class KeyedRef<T extends WeakTarget, K> extends Ref<T> {
  /** The key given at construction. */
  readonly key: K;

  constructor(target: T, callback: ((ref: KeyedRef<T, K>) => void) | undefined, key: K) {
    super(target, callback as ((ref: Ref<T>) => void) | undefined);
    this.key = key;
  }
}
