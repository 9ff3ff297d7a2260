import { builtin, unsupported } from './engine.js';

type NodeInspector = typeof import('node:inspector');

/** A temporary global slot: Runtime.callFunctionOn runs code that cannot see this module. */
const OUT = 'weakref-ts.gc.resolved';
const GROUP = 'weakref-ts-gc';

/**
 * Heap snapshot ids → live objects, through an in-process inspector session (synchronous on Node:
 * `post` calls back before it returns). Each lookup walks the whole heap inside V8, so only the
 * objects actually returned are resolved. The session, its object group and the temporary global
 * are gone when this returns; an id whose object died meanwhile is skipped.
 */
export function resolveIds(fn: string, ids: number[]): object[] {
  if (ids.length === 0) return [];
  const inspector = builtin<NodeInspector>('node:inspector');
  if (inspector === undefined || typeof inspector.Session !== 'function') {
    throw unsupported(fn, 'it needs node:inspector to turn heap ids back into objects');
  }
  const session = new inspector.Session();
  const key = Symbol.for(OUT);
  const out: object[] = [];
  const slot = globalThis as unknown as Record<symbol, unknown>;
  Object.defineProperty(slot, key, { value: out, configurable: true, writable: true, enumerable: false });
  session.connect();
  try {
    for (const id of ids) {
      let answered = false;
      let objectId: string | undefined;
      try {
        session.post('HeapProfiler.getObjectByHeapObjectId', { objectId: String(id), objectGroup: GROUP }, (error, result) => {
          answered = true;
          if (error === null) objectId = result.result.objectId;
        });
      } catch (error) {
        throw unsupported(fn, `its inspector cannot look objects up by heap id (${String(error)})`);
      }
      // Deno's node:inspector answers in a later task: a synchronous API cannot wait for it.
      if (!answered) throw unsupported(fn, 'its node:inspector answers asynchronously, so heap ids cannot be turned back into objects synchronously');
      if (objectId === undefined) continue;
      session.post('Runtime.callFunctionOn', {
        objectId,
        functionDeclaration: `function () { globalThis[Symbol.for(${JSON.stringify(OUT)})].push(this); }`,
        objectGroup: GROUP,
        silent: true,
      });
    }
  } finally {
    try {
      session.post('Runtime.releaseObjectGroup', { objectGroup: GROUP });
    } catch {
      // Engines without it never created the group.
    }
    session.disconnect();
    delete slot[key];
  }
  return out;
}
