import { engineName } from '../internal/registry.js';

/** Node's built-in modules without a static import, so `weakref-ts/gc` still imports elsewhere. */
export function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(name) as T | undefined;
}

/** The Error every diagnostic throws where the engine cannot do what it needs: never a silent no-op. */
export function unsupported(fn: string, why: string): Error {
  return new Error(`weakref-ts/gc: ${fn}() is not supported on ${engineName()}: ${why}`);
}

let forceGc: (() => void) | undefined;

/**
 * A function that forces a full, WeakRef-clearing collection, obtained once without leaving a V8
 * flag changed: `--expose-gc` is switched on only long enough to build one new context's `gc`.
 * (The flag does not add `gc` to an existing global; `gc({type:'major'})` does not clear WeakRefs.)
 */
export function fullGc(fn = 'collect'): () => void {
  if (forceGc !== undefined) return forceGc;
  const g = globalThis as { gc?: () => void; Bun?: { gc?: (full: boolean) => void } };
  if (typeof g.gc === 'function') {
    const exposed = g.gc;
    return (forceGc = () => exposed());
  }
  if (typeof g.Bun?.gc === 'function') {
    const bun = g.Bun.gc;
    return (forceGc = () => bun(true));
  }
  const vm = builtin<typeof import('node:vm')>('node:vm');
  const v8 = builtin<typeof import('node:v8')>('node:v8');
  if (vm === undefined || v8 === undefined) {
    throw unsupported(fn, 'it needs a way to force garbage collection (node:v8 and node:vm, or Bun.gc)');
  }
  let obtained: unknown;
  if (vm.runInNewContext('typeof gc') === 'function') {
    obtained = vm.runInNewContext('gc');
  } else {
    v8.setFlagsFromString('--expose-gc');
    try {
      obtained = vm.runInNewContext('gc');
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  if (typeof obtained !== 'function') throw unsupported(fn, 'the engine refused to expose gc()');
  const exposed = obtained as () => void;
  return (forceGc = () => exposed());
}

/**
 * One macrotask: the only boundary certain to clear V8's KeepDuringJob set.
 *
 * A timer, not `setImmediate`, even on Node: with `setImmediate` a dropped member that only V8's
 * kept set held (a heap snapshot showed nothing else) survived four `collect()` calls in 10 of 20
 * runs of one property program (`PROPS_KINDS=IterableWeakSet PROPS_SEED=506408002 PROPS_PATH=832:44:
 * 66:14:69:5:16:7:16:10:44:8:2:6:6:17:15:21:15:25:17`, Node 20), and in 0 of 26 with a timer. A
 * timer turn costs about a millisecond more; `collect()` takes a few of them.
 */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}
