/**
 * Python's names for the same objects that `weakref-ts` exports: aliases only, nothing
 * re-implemented, so `ReferenceType === Ref`.
 * @packageDocumentation
 */
export { ref, KeyedRef, Ref as ReferenceType } from './ref.js';
export { getWeakRefCount as getweakrefcount, getWeakRefs as getweakrefs } from './counting.js';
