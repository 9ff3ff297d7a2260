/**
 * weakref-ts/python: Python's names for the same objects that `weakref-ts` exports. Aliases only,
 * nothing re-implemented: `ReferenceType === Ref`, `finalize` is the same function, and so on.
 *
 * | Python `weakref` | here | `weakref-ts` |
 * | --- | --- | --- |
 * | `ref`, `ReferenceType` | `ref`, `ReferenceType` | `ref`, `Ref` |
 * | `KeyedRef` | `KeyedRef` | `KeyedRef` |
 * | `proxy` | `proxy` | `proxy` |
 * | `ProxyType`, `CallableProxyType`, `ProxyTypes` | the same (markers for `instanceof`) | `isProxy` |
 * | `getweakrefcount`, `getweakrefs` | the same | `getWeakRefCount`, `getWeakRefs` |
 * | `WeakMethod` | `WeakMethod` | `WeakMethod` |
 * | `finalize` | `finalize` (a function: call it, no `new`) | `finalize` |
 * | `WeakKeyDictionary` | `WeakKeyDictionary` | `IterableWeakMap` |
 * | `WeakValueDictionary` | `WeakValueDictionary` | `WeakValueMap` |
 * | `WeakSet` | `WeakSet` (shadows the global `WeakSet` where imported) | `IterableWeakSet` |
 *
 * @packageDocumentation
 */
export { ref, KeyedRef, Ref as ReferenceType } from './ref.js';
export { getWeakRefCount as getweakrefcount, getWeakRefs as getweakrefs } from './counting.js';
export { proxy } from './proxy.js';
export { ProxyType, CallableProxyType, ProxyTypes, type ProxyTypeMarker } from './internal/proxy-types.js';
export { WeakMethod } from './weak-method.js';
export { finalize, type Finalizer } from './finalize.js';
export { IterableWeakMap as WeakKeyDictionary } from './iterable-weak-map.js';
export { WeakValueMap as WeakValueDictionary } from './weak-value-map.js';
export { IterableWeakSet as WeakSet } from './iterable-weak-set.js';
