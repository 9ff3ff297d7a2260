/** Anything a `WeakRef`, `WeakMap` key or `FinalizationRegistry` target may be. */
export type WeakTarget = object | symbol;

/**
 * The kind of a value as our error messages name it. Registered symbols get their own word because
 * `typeof` calls them 'symbol', which would make "cannot create weak reference to 'symbol' value"
 * read as a contradiction next to the unregistered symbols we accept.
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'symbol') {
    return Symbol.keyFor(value) === undefined ? 'symbol' : 'registered symbol';
  }
  return typeof value;
}

/**
 * True for what the engine can hold weakly: objects, functions and symbols that did not come from
 * `Symbol.for` (a registered symbol can always be recreated, so it can never be collected).
 */
export function isWeakTarget(value: unknown): value is WeakTarget {
  const type = typeof value;
  if (type === 'object') return value !== null;
  if (type === 'function') return true;
  return type === 'symbol' && Symbol.keyFor(value as symbol) === undefined;
}

/**
 * Throws the TypeError every public entry point uses. The native errors say only
 * "invalid target", which does not tell the user what they passed.
 */
export function assertWeakTarget(value: unknown): asserts value is WeakTarget {
  if (!isWeakTarget(value)) {
    throw new TypeError(`cannot create weak reference to '${kindOf(value)}' value`);
  }
}

/** Rejects a callback that is neither a function nor `undefined`, naming what was passed. */
export function assertOptionalFunction(value: unknown, what: string): asserts value is
  | ((...args: never[]) => unknown)
  | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`Cannot ${what}: the callback must be a function or undefined, not a '${kindOf(value)}' value`);
  }
}
