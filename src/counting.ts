import { assertWeakTarget, type WeakTarget } from './internal/holdable.js';
import { countedWatchers } from './internal/record.js';
import type { Ref } from './ref.js';

/**
 * How many of this library's Refs (any subclass) and proxies point at `target` and are still
 * reachable: Python's `weakref.getweakrefcount`. The collections' own bookkeeping is not counted.
 * A Ref the program dropped may still be counted until the engine collects it.
 *
 * @param target any weakly holdable value
 * @returns how many Refs and proxies point at it; 0 if none
 * @throws TypeError when `target` cannot be held weakly (CPython returns 0 there; we say what is wrong)
 * @example
 * ```ts
 * import { getWeakRefCount, ref, Ref } from 'weakref-ts';
 * const target = {};
 * const shared = ref(target);
 * const withCallback = new Ref(target, () => {});
 * getWeakRefCount(target); // 2
 * ref(target) === shared;  // true: asking again shares the first one, and counts nothing new
 * getWeakRefCount(target); // 2
 * ```
 */
export function getWeakRefCount(target: WeakTarget): number {
  assertWeakTarget(target);
  return countedWatchers(target).length;
}

/**
 * The reachable Refs and proxies of this library that point at `target`, oldest first: Python's
 * `weakref.getweakrefs`. Same GC semantics as {@link getWeakRefCount}.
 *
 * @param target any weakly holdable value
 * @returns a new array (empty if there are none)
 * @throws TypeError when `target` cannot be held weakly
 * @example
 * ```ts
 * import { getWeakRefs, ref } from 'weakref-ts';
 * const target = {};
 * const r = ref(target);
 * getWeakRefs(target)[0] === r; // true
 * ```
 */
export function getWeakRefs(target: WeakTarget): Array<Ref<WeakTarget> | object> {
  assertWeakTarget(target);
  return countedWatchers(target);
}
