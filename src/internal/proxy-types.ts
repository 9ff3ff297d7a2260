import { isProxy } from '../proxy.js';

/** A stand-in for one of Python's proxy types: usable with `instanceof`, never constructible. */
export interface ProxyTypeMarker {
  [Symbol.hasInstance](value: unknown): boolean;
  readonly name: string;
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

/** Python's `weakref.CallableProxyType`: `p instanceof CallableProxyType` for proxies of functions. */
export const CallableProxyType: ProxyTypeMarker = marker('CallableProxyType', (value) => typeof value === 'function' && isProxy(value));

/** Python's `weakref.ProxyTypes`: both markers. */
export const ProxyTypes: readonly [ProxyTypeMarker, ProxyTypeMarker] = Object.freeze([ProxyType, CallableProxyType] as const);
