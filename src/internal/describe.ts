import type { WeakTarget } from './holdable.js';

/** Node's `util.inspect` hook, reached through the global symbol registry so that we import no Node module. */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * A short, never-throwing name for a weak target: its class for objects, `function name` for
 * functions, `Symbol(desc)` for symbols. Used by `<Ref to Worker>` and by unraisable reports, which
 * run after a collection when user getters may throw.
 */
export function describeTarget(target: WeakTarget): string {
  try {
    if (typeof target === 'symbol') return target.toString();
    if (typeof target === 'function') {
      const name = target.name;
      return name ? `function ${name}` : 'function (anonymous)';
    }
    const proto: unknown = Object.getPrototypeOf(target);
    if (proto === null) return 'Object: null prototype';
    const ctor: unknown = (proto as { constructor?: unknown }).constructor;
    return typeof ctor === 'function' && ctor.name ? ctor.name : 'Object';
  } catch {
    return 'object';
  }
}
