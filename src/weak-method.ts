import { describeTarget } from './internal/describe.js';
import { assertOptionalFunction, kindOf } from './internal/holdable.js';
import { recordFor, type Watcher } from './internal/record.js';
import { Ref } from './ref.js';

type AnyMethod = (...args: any[]) => any;

/** The method to hold: given, or read from the owner by name. Checks everything before anything is built. */
function resolveMethod(owner: unknown, method: unknown): AnyMethod {
  if ((typeof owner !== 'object' && typeof owner !== 'function') || owner === null) {
    throw new TypeError(`Cannot create a WeakMethod: the owner must be an object or a function, not a '${kindOf(owner)}' value`);
  }
  if (typeof method === 'function') return method as AnyMethod;
  if (typeof method === 'string' || typeof method === 'number' || typeof method === 'symbol') {
    const found: unknown = Reflect.get(owner, method);
    if (typeof found !== 'function') {
      throw new TypeError(`Cannot create a WeakMethod: the owner's ${String(method)} is a '${kindOf(found)}' value, not a function`);
    }
    return found as AnyMethod;
  }
  throw new TypeError(`Cannot create a WeakMethod: the method must be a function or a property key, not a '${kindOf(method)}' value`);
}

/**
 * A weak reference to a method of an object: Python's `weakref.WeakMethod`. A plain weak reference
 * to `obj.method` would die at once (or hold `obj`), because JavaScript has no bound-method object
 * that lives as long as its owner; this holds the owner and the function separately, both weakly.
 *
 * GC semantics: `deref()` returns a function that calls the method with `this` = owner while both
 * the owner and the method are alive, and `undefined` for ever once either was collected. An arrow
 * function stored on the owner that captures the owner does not keep the owner alive. The function
 * `deref()` returns holds both strongly while the caller keeps it (it is cached only weakly, so
 * `wm.deref() === wm.deref()` while someone holds it). The callback runs once, in a later task,
 * after the owner or the method was collected, whichever comes first, with this WeakMethod as
 * argument (if it is still reachable then); errors go to the unraisable hook. A WeakMethod is a
 * {@link Ref} to the method, and counts in `getWeakRefCount` of both the method and the owner.
 *
 * @typeParam F the method's type
 * @param owner the object the method is called on
 * @param method the function, or the name (any property key) to read it from the owner now
 * @param callback called once after the owner or the method was collected
 * @throws TypeError when `owner` is not an object or a function, `method` names a property that is
 *   not a function (the message says what it is), or `callback` is not a function
 * @example
 * ```ts
 * import { EventEmitter } from 'node:events';
 * import { WeakMethod } from 'weakref-ts';
 * class View { lines: string[] = []; onData(line: string) { this.lines.push(line); } }
 * const emitter = new EventEmitter();
 * const view = new View();
 * const wm = new WeakMethod(view, 'onData', () => emitter.off('data', listener));
 * const listener = (line: string) => wm.deref()?.(line);
 * emitter.on('data', listener); // the emitter no longer keeps the view alive
 * emitter.emit('data', 'hello'); // view.lines is ['hello']
 * ```
 */
// The constraint is spelled out (not AnyMethod) so that the public declaration names no private type.
export class WeakMethod<F extends (...args: any[]) => any> extends Ref<F> {
  readonly #owner: WeakRef<object>;
  #bound: WeakRef<F> | undefined;

  constructor(owner: object, method: F | PropertyKey, callback?: (ref: WeakMethod<F>) => void) {
    const fn = resolveMethod(owner, method) as F;
    assertOptionalFunction(callback, 'create a WeakMethod');
    // The Ref part watches the method; the owner's record watches the owner. Either death calls
    // back through the same once-only Ref callback.
    super(fn, callback as ((ref: Ref<F>) => void) | undefined);
    this.#owner = new WeakRef(owner);
    if ((owner as unknown) !== fn) {
      recordFor(owner).attach(owner, new WeakRef<Watcher>(this), callback !== undefined, 'new WeakMethod(owner, method, callback)');
    }
  }

  /**
   * A function calling the method with `this` = owner, or `undefined` once the owner or the method
   * was collected.
   */
  override deref(): F | undefined {
    const fn = super.deref();
    const owner = this.#owner.deref();
    if (fn === undefined || owner === undefined) return undefined;
    let bound = this.#bound?.deref();
    if (bound === undefined) {
      bound = fn.bind(owner) as F;
      this.#bound = new WeakRef(bound);
    }
    return bound;
  }

  /** `<WeakMethod to View.onData>` while both live, `<WeakMethod dead>` after. */
  override toString(): string {
    const fn = super.deref();
    const owner = this.#owner.deref();
    const name = this.constructor.name || 'WeakMethod';
    if (fn === undefined || owner === undefined) return `<${name} dead>`;
    return `<${name} to ${describeTarget(owner)}.${fn.name || '(anonymous)'}>`;
  }
}
