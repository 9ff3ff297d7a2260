/**
 * weakref-ts: Python's `weakref` module for TypeScript and JavaScript.
 *
 * Runs on any engine with `WeakRef` and `FinalizationRegistry`; imports no Node module and does
 * nothing at import time.
 * @packageDocumentation
 */
export { Ref, ref, KeyedRef, isRef, type RefCallback, type WeakTarget } from './ref.js';
export { getWeakRefCount, getWeakRefs } from './counting.js';
export { setUnraisableHook, type Unraisable } from './internal/unraisable.js';
export * from './proxy.js';
export * from './weak-method.js';
export * from './finalize.js';
export * from './iterable-weak-map.js';
export * from './weak-value-map.js';
export * from './iterable-weak-set.js';
