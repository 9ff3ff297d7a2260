import { isProxy } from '../proxy.js';

/** A stand-in for one of Python's proxy types: usable with `instanceof`, never constructible. */
export interface ProxyTypeMarker {
  /** The `instanceof` test: true for the kind of proxy this marker stands for. */
  [Symbol.hasInstance](value: unknown): boolean;
  /** `'ProxyType'` or `'CallableProxyType'`. */
  readonly name: string;
  /** `<class 'weakref.ProxyType'>`, as Python prints the type. */
  toString(): string;
}

function marker(name: string, test: (value: unknown) => boolean): ProxyTypeMarker {
  return Object.freeze({
    name,
    [Symbol.hasInstance]: test,
    toString: () => `<class 'weakref.${name}'>`,
  });
}

/**
 * Python's `weakref.ProxyType`: `p instanceof ProxyType` is true for a proxy from `proxy()` whose
 * target is not a function. JavaScript proxies have no class of their own, so this is a marker
 * object with `Symbol.hasInstance` (the same test as `isProxy(p) && typeof p !== 'function'`).
 * Like `isProxy`, it never runs a trap, so it works on dead proxies too.
 * @example
 * ```ts
 * import { proxy, ProxyType, CallableProxyType } from 'weakref-ts/python';
 * proxy({}) instanceof (ProxyType as any);              // true
 * proxy(() => 1) instanceof (CallableProxyType as any); // true
 * ```
 */
export const ProxyType: ProxyTypeMarker = marker('ProxyType', (value) => typeof value !== 'function' && isProxy(value));

/**
 * Python's `weakref.CallableProxyType`: `p instanceof CallableProxyType` for proxies of functions
 * (see {@link ProxyType}).
 * @example
 * ```ts
 * import { proxy, CallableProxyType } from 'weakref-ts/python';
 * const double = (n: number) => n * 2;
 * proxy(double) instanceof (CallableProxyType as any); // true
 * proxy({ double }) instanceof (CallableProxyType as any); // false
 * ```
 */
export const CallableProxyType: ProxyTypeMarker = marker('CallableProxyType', (value) => typeof value === 'function' && isProxy(value));

/**
 * Python's `weakref.ProxyTypes`: both markers, for "is this any kind of proxy" checks.
 * @example
 * ```ts
 * import { proxy, ProxyTypes } from 'weakref-ts/python';
 * const target = { name: 'config' };
 * const p = proxy(target);
 * ProxyTypes.some((type) => p instanceof (type as any)); // true
 * ```
 */
export const ProxyTypes: readonly [ProxyTypeMarker, ProxyTypeMarker] = Object.freeze([ProxyType, CallableProxyType] as const);
