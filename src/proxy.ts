import { describeTarget, inspectCustom } from './internal/describe.js';
import { assertOptionalFunction, assertWeakTarget, kindOf } from './internal/holdable.js';
import { COUNTED, NOTIFY, recordFor, type Watcher } from './internal/record.js';
import { noteCleanup } from './internal/registry.js';
import { reportUnraisable } from './internal/unraisable.js';

const DEAD_MESSAGE = 'weakly-referenced object no longer exists';

type AnyFunction = (...args: unknown[]) => unknown;

/** Our proxies and their states; a WeakMap so that recognising a proxy never keeps it alive. */
let states: WeakMap<object, ProxyState> | undefined;

/** The shared callback-less proxy of each target (CPython shares those too), while it is reachable. */
let shared: WeakMap<object, WeakRef<ProxyState>> | undefined;

/**
 * The prototype of every dummy [[Target]] while it is extensible. Node's `util.inspect` looks at a
 * proxy's [[Target]] instead of running traps, so without this a proxy would print as an empty
 * object; the method runs with `this` = the proxy.
 */
const inspectProto: object = Object.create(null, {
  [inspectCustom]: {
    value(this: unknown): string {
      return states?.get(this as object)?.describe() ?? '<proxy>';
    },
  },
});

/** True for a function that `new` accepts, found without calling it. */
function isConstructor(fn: AnyFunction): boolean {
  try {
    Reflect.construct(String, [], fn);
    return true;
  } catch {
    return false;
  }
}

/**
 * The proxy's [[Target]]: never the real target (that would keep it alive), but of the same shape
 * where the engine looks at the [[Target]] itself: callable for functions, `new`-able for
 * constructors, an Array exotic object for arrays (`Array.isArray`, `JSON.stringify`). It starts
 * with no own property that could constrain a trap's answer (bound functions have no `prototype`,
 * and their `length`/`name` are configurable), except an array's `length`, which every real array
 * has too.
 */
function makeDummy(target: object): object {
  let dummy: object;
  if (typeof target === 'function') {
    dummy = isConstructor(target as AnyFunction) ? function () {}.bind(null) : () => {};
    Reflect.deleteProperty(dummy, 'length');
    Reflect.deleteProperty(dummy, 'name');
  } else if (Array.isArray(target)) {
    dummy = [];
  } else {
    return Object.create(inspectProto) as object;
  }
  Object.setPrototypeOf(dummy, inspectProto);
  return dummy;
}

/** True when a copy of this value on the dummy cannot lead back to the target. */
function isInert(value: unknown): boolean {
  return (typeof value !== 'object' && typeof value !== 'function') || value === null;
}

/**
 * What a proxy's target record holds. Kept apart from the handler because V8 15 (Deno 2.9.6,
 * Chromium 156) never runs the `get` trap of a handler whose class has a computed-key member such
 * as `[NOTIFY]()` (reads then fall through to the dummy: every property is `undefined`).
 */
class ProxyWatcher implements Watcher {
  readonly #state: ProxyState;
  constructor(state: ProxyState) {
    this.#state = state;
  }
  [NOTIFY](): void {
    this.#state.notify();
  }
  get [COUNTED](): object {
    return this.#state.proxy;
  }
}

/**
 * A proxy's state and its handler in one object: the proxy holds it as its handler, so it lives
 * exactly as long as the proxy, and the target's record holds its watcher weakly.
 *
 * The real target is reached only through a WeakRef. The dummy [[Target]] is kept consistent with
 * the real one only where the Proxy invariants demand it (non-configurable properties and
 * non-extensibility), and then, wherever possible, without copying any object onto it.
 *
 * Keep this class free of computed-key members (see {@link ProxyWatcher}).
 */
class ProxyState implements ProxyHandler<object> {
  readonly #ref: WeakRef<object>;
  readonly #dummy: object;
  /** For error reports; only a proxy with a callback can have one. */
  readonly #label: string | undefined;
  #callback: ((proxy: object) => void) | undefined;
  #proxy!: object;
  /** What the target's record holds (weakly); reachable through this handler, so as long as the proxy. */
  readonly watcher: ProxyWatcher;
  /** Wrappers of functions read through the proxy, so that `p.m === p.m`. */
  #methods: WeakMap<AnyFunction, AnyFunction> | undefined;

  constructor(target: object, callback: ((proxy: object) => void) | undefined) {
    this.#ref = new WeakRef(target);
    this.#dummy = makeDummy(target);
    this.#label = callback === undefined ? undefined : `<proxy to ${describeTarget(target)}>`;
    this.#callback = callback;
    this.watcher = new ProxyWatcher(this);
  }

  /** Creates the proxy (once); separate from the constructor because the handler must exist first. */
  create(): object {
    this.#proxy = new Proxy(this.#dummy, this);
    return this.#proxy;
  }

  get proxy(): object {
    return this.#proxy;
  }

  /** `<proxy to Worker>` or `<proxy dead>`, without running any trap. */
  describe(): string {
    const target = this.#ref.deref();
    return target === undefined ? '<proxy dead>' : `<proxy to ${describeTarget(target)}>`;
  }

  /** Runs the callback once, after the target died, with the proxy as argument. */
  notify(): void {
    const callback = this.#callback;
    if (callback === undefined) return;
    this.#callback = undefined;
    noteCleanup();
    try {
      callback(this.#proxy);
    } catch (error) {
      // The label was captured at creation: the proxy itself throws on every operation now.
      reportUnraisable({ error, kind: 'callback', source: this.#proxy }, this.#label ?? '<proxy>');
    }
  }


  #live(): object {
    const target = this.#ref.deref();
    if (target === undefined) throw new ReferenceError(DEAD_MESSAGE);
    return target;
  }

  /** The receiver to hand to the real target: the proxy itself stands for the target. */
  #receiver(target: object, receiver: unknown): unknown {
    return receiver === this.#proxy ? target : receiver;
  }

  /**
   * A function read through the proxy, bound to the real target so that `#private` fields and
   * built-ins' internal slots (Map, Date, Promise, typed arrays) work. The wrapper reaches the target
   * through this state, never directly: caching it must not keep the target alive. Constructors
   * (an own non-writable `prototype`: classes and built-in constructors) are returned as they are,
   * so that `p.constructor === Worker` still holds.
   */
  #bind(fn: AnyFunction): AnyFunction {
    if (Object.getOwnPropertyDescriptor(fn, 'prototype')?.writable === false) return fn;
    const methods = (this.#methods ??= new WeakMap());
    let wrapper = methods.get(fn);
    if (wrapper === undefined) {
      const state = this;
      const bound = function (this: unknown, ...args: unknown[]): unknown {
        const target = state.#live();
        if (new.target === undefined) return Reflect.apply(fn, target, args);
        // Like a bound function: `new` ignores the bound this and builds from fn's own prototype.
        return Reflect.construct(fn, args, new.target === bound ? fn : new.target);
      };
      wrapper = bound;
      Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
      Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
      methods.set(fn, wrapper);
    }
    return wrapper;
  }

  /**
   * Brings the dummy's own property `key` in line with the real target's, as far as the invariants
   * need, and returns the descriptor to report. A non-configurable property is mirrored only when
   * the mirror holds nothing that could lead back to the target (a writable one gets a blank value,
   * a frozen one its primitive value); otherwise it is reported as configurable, a harmless lie that
   * keeps the proxy from holding the target's objects. `force` (an explicit defineProperty through
   * the proxy that made the property non-configurable or read-only) copies the value regardless,
   * because the engine then insists on an exact match.
   */
  #syncKey(target: object, key: string | symbol, force: boolean): PropertyDescriptor | undefined {
    const dummy = this.#dummy;
    const desc = Reflect.getOwnPropertyDescriptor(target, key);
    const shadow = Reflect.getOwnPropertyDescriptor(dummy, key);
    if (desc === undefined) {
      if (shadow !== undefined) Reflect.deleteProperty(dummy, key);
      return undefined;
    }
    if (desc.configurable) return desc;
    const pinned = shadow?.configurable === false;
    if ('value' in desc && desc.writable) {
      // A blank writable mirror constrains nothing but configurability; an array's own length
      // already is one (and must stay a number).
      if (!(pinned && shadow?.writable === true)) {
        Reflect.defineProperty(dummy, key, { value: undefined, writable: true, enumerable: desc.enumerable, configurable: false });
      }
      return desc;
    }
    const inert = 'value' in desc ? isInert(desc.value) : false;
    if (inert || force || pinned) {
      Reflect.defineProperty(dummy, key, desc);
      return desc;
    }
    return { ...desc, configurable: true };
  }

  /**
   * The real target became non-extensible: the dummy must follow, with exactly the same keys and
   * prototype. Properties get blank configurable stand-ins unless {@link #syncKey} may mirror them.
   */
  #syncAll(target: object): void {
    const dummy = this.#dummy;
    const keys = Reflect.ownKeys(target);
    const wanted = new Set<string | symbol>(keys);
    // A non-extensible dummy may still hold stand-ins for keys the target has deleted since.
    for (const key of Reflect.ownKeys(dummy)) {
      if (!wanted.has(key)) Reflect.deleteProperty(dummy, key);
    }
    if (!Object.isExtensible(dummy)) return;
    for (const key of keys) {
      const desc = this.#syncKey(target, key, false);
      if (desc !== undefined && !Object.prototype.hasOwnProperty.call(dummy, key)) {
        Reflect.defineProperty(dummy, key, { value: undefined, writable: true, enumerable: desc.enumerable ?? false, configurable: true });
      }
    }
    Reflect.setPrototypeOf(dummy, Reflect.getPrototypeOf(target));
    Reflect.preventExtensions(dummy);
  }

  // ---- Traps: each reaches the live target or throws ReferenceError. ----

  get(_dummy: object, key: string | symbol, receiver: unknown): unknown {
    const target = this.#live();
    const value: unknown = Reflect.get(target, key, this.#receiver(target, receiver));
    // Only reads from the proxy itself are bound: an object that inherits from the proxy gets the
    // plain function, so calling it on that object works as inheritance normally does.
    return typeof value === 'function' && receiver === this.#proxy ? this.#bind(value as AnyFunction) : value;
  }

  set(_dummy: object, key: string | symbol, value: unknown, receiver: unknown): boolean {
    const target = this.#live();
    return Reflect.set(target, key, value, this.#receiver(target, receiver));
  }

  has(dummy: object, key: string | symbol): boolean {
    const target = this.#live();
    const found = Reflect.has(target, key);
    if (!found && Object.prototype.hasOwnProperty.call(dummy, key)) this.#syncKey(target, key, false);
    return found;
  }

  deleteProperty(dummy: object, key: string | symbol): boolean {
    const target = this.#live();
    const deleted = Reflect.deleteProperty(target, key);
    if (deleted && Object.prototype.hasOwnProperty.call(dummy, key)) this.#syncKey(target, key, false);
    return deleted;
  }

  ownKeys(): Array<string | symbol> {
    const target = this.#live();
    const keys = Reflect.ownKeys(target);
    if (!Reflect.isExtensible(target)) this.#syncAll(target);
    return keys;
  }

  getOwnPropertyDescriptor(_dummy: object, key: string | symbol): PropertyDescriptor | undefined {
    return this.#syncKey(this.#live(), key, false);
  }

  defineProperty(_dummy: object, key: string | symbol, desc: PropertyDescriptor): boolean {
    const target = this.#live();
    const defined = Reflect.defineProperty(target, key, desc);
    if (defined) this.#syncKey(target, key, desc.configurable === false || desc.writable === false);
    return defined;
  }

  getPrototypeOf(): object | null {
    return Reflect.getPrototypeOf(this.#live());
  }

  setPrototypeOf(_dummy: object, proto: object | null): boolean {
    return Reflect.setPrototypeOf(this.#live(), proto);
  }

  isExtensible(): boolean {
    const target = this.#live();
    const extensible = Reflect.isExtensible(target);
    if (!extensible) this.#syncAll(target);
    return extensible;
  }

  preventExtensions(): boolean {
    const target = this.#live();
    const prevented = Reflect.preventExtensions(target);
    if (prevented) this.#syncAll(target);
    return prevented;
  }

  apply(_dummy: object, thisArg: unknown, args: unknown[]): unknown {
    return Reflect.apply(this.#live() as AnyFunction, thisArg, args);
  }

  construct(_dummy: object, args: unknown[], newTarget: AnyFunction): object {
    const target = this.#live() as AnyFunction;
    return Reflect.construct(target, args, newTarget === this.#proxy ? target : newTarget) as object;
  }
}

/**
 * Python's `weakref.proxy`: an object that stands for `target` without keeping it alive. Every
 * operation on it (reading, writing, `in`, `delete`, `Object.keys`, descriptors, prototype,
 * extensibility, calling and `new` for functions) is forwarded to the live target.
 *
 * GC semantics: the proxy never keeps its target alive. Once the engine collected the target, every
 * operation on the proxy throws `ReferenceError('weakly-referenced object no longer exists')`.
 * The callback runs once, in a later task after the collection, with the (now dead) proxy as its
 * argument, and only if the proxy itself is still reachable then; its errors go to the unraisable
 * hook. Without a callback, `proxy(o)` returns the same proxy for as long as it is reachable (as
 * CPython does); with one, always a new proxy.
 *
 * Functions read through the proxy are bound to the real target, so classes with `#private`
 * fields, `Map`, `Set`, `Date`, `Promise` and typed arrays work through it, and `p.m === p.m`.
 * A method that returns `this` returns the real target, which then is a strong reference (as in
 * Python). `typeof`, `Array.isArray` and callability follow the target; `instanceof` works through
 * the forwarded prototype. The Proxy invariants constrain a few reflective answers: a
 * non-configurable own property whose value is an object is reported as configurable (copying it
 * onto the proxy's internal stand-in could keep the target alive), unless it was made
 * non-configurable through the proxy itself.
 *
 * @param target the object or function to stand for
 * @param callback called once with the proxy after the target was collected
 * @returns a proxy typed as the target
 * @throws TypeError when `target` is not an object or a function (`cannot create weak reference to
 *   'number' value`; a symbol cannot be proxied), or `callback` is neither a function nor `undefined`
 * @example
 * ```ts
 * import { proxy } from 'weakref-ts';
 * class Worker { #jobs = 0; work() { return ++this.#jobs; } }
 * let worker: Worker | undefined = new Worker();
 * const p = proxy(worker, () => console.log('worker collected'));
 * p.work(); // 1: the method runs on the real worker, #private fields included
 * worker = undefined; // after a collection, p.work() throws ReferenceError
 * ```
 */
export function proxy<T extends object>(target: T, callback?: (proxy: T) => void): T {
  assertWeakTarget(target);
  if (typeof target === 'symbol') {
    throw new TypeError(`Cannot create a proxy: the target must be an object or a function, not a '${kindOf(target)}' value`);
  }
  assertOptionalFunction(callback, 'create a proxy');
  if (callback === undefined) {
    const existing = shared?.get(target)?.deref();
    if (existing !== undefined) return existing.proxy as T;
  }
  const state = new ProxyState(target, callback as ((proxy: object) => void) | undefined);
  // attach() may throw (no FinalizationRegistry) before anything was recorded.
  recordFor(target).attach(target, new WeakRef<Watcher>(state.watcher), callback !== undefined, 'proxy(target, callback)');
  const created = state.create();
  (states ??= new WeakMap()).set(created, state);
  if (callback === undefined) (shared ??= new WeakMap()).set(target, new WeakRef(state));
  return created as T;
}

/**
 * True for a proxy made by {@link proxy}, live or dead; false for anything else, including other
 * `Proxy` objects (a JavaScript Proxy cannot be recognised from outside, so ours are remembered in a
 * WeakMap that does not keep them alive). It never runs a trap, so it does not throw for a dead
 * proxy.
 *
 * @param value anything
 * @returns whether `value` is one of this library's proxies
 * @example
 * ```ts
 * import { isProxy, proxy } from 'weakref-ts';
 * isProxy(proxy({})); // true
 * isProxy(new Proxy({}, {})); // false
 * ```
 */
export function isProxy(value: unknown): boolean {
  // WeakMap#has answers false for primitives without throwing.
  return states?.has(value as object) ?? false;
}
