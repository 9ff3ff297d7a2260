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

/** One macrotask: the only boundary certain to clear V8's KeepDuringJob set. */
export function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  return new Promise((resolve) => {
    if (typeof g.setImmediate === 'function') g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
