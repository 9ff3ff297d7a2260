import { describeTarget } from '../internal/describe.js';
import { kindOf } from '../internal/holdable.js';
import { snapshotAround } from './heap.js';
import { resolveIds } from './resolve.js';
import { Walker } from './walk.js';
import { Describer, renderStep, type RetainerStep } from './words.js';

export type { RetainerStep } from './words.js';

function assertObject(value: unknown, what: string): asserts value is object {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') {
    throw new TypeError(`Cannot ${what} a '${kindOf(value)}' value: only objects and functions live in the heap graph`);
  }
}

/** How far getReferrers/getReferents look through engine internals (tables, scopes, backing stores). */
const MAX_INTERNAL_DEPTH = 4;

/**
 * The live objects that hold `target` directly, like CPython's `gc.get_referrers`: objects and
 * arrays with it as a property or element, `Map`s and `Set`s holding it as key, value or element,
 * and functions whose closure captures it (a module's top-level variable is reported as the
 * functions of that module that can read it, and the global object for a global variable; an
 * exported module variable has no referrer object, since JavaScript gives no handle on a module's
 * bindings: {@link retainerPath} names it).
 *
 * GC semantics: it takes a heap snapshot, which first runs a full collection (WeakRefs to
 * unreachable objects are cleared then and finalization callbacks follow in a later task). Weak
 * holders (WeakRef, WeakMap/WeakSet, FinalizationRegistry, this library's weak sides) are not
 * referrers. This call's own frame, arguments and temporaries are never reported, and nothing is
 * cached afterwards: the result array is the only thing that holds the referrers.
 *
 * Cost: one heap snapshot (≈0.2–0.5 s on a small heap, seconds at a million objects) plus one
 * heap walk inside V8 per returned object. Node only: Deno's inspector answers asynchronously and
 * Bun's heap graph lacks module scopes, so there it throws an Error saying so.
 *
 * @param target an object or function
 * @returns the referrers, nearest first, without duplicates
 * @throws TypeError for a primitive; Error naming the engine where heap snapshots are unavailable
 * @example
 * ```ts
 * import { getReferrers } from 'weakref-ts/gc';
 * const worker = {};
 * const team = { lead: worker };
 * getReferrers(worker).includes(team); // true
 * ```
 */
export function getReferrers(target: object): object[] {
  assertObject(target, 'get the referrers of');
  const walker = new Walker(snapshotAround('getReferrers', target));
  return resolveIds('getReferrers', collectReferrers(walker).map((node) => walker.g.nodeId(node)));
}

/**
 * Breadth-first from the target through engine internals (backing stores, tables, scopes) to the
 * nearest JavaScript objects, upwards (referrers) or downwards (referents). `follows` vets each
 * holding edge; `enters` says which internal nodes to look through.
 */
function nearestObjects(
  w: Walker,
  up: boolean,
  follows: (node: number, e: number, other: number) => boolean,
  enters: (other: number) => boolean,
): number[] {
  const g = w.g;
  const found = new Set<number>();
  const seen = new Set<number>([g.target]);
  let level = [g.target];
  for (let depth = 0; depth < MAX_INTERNAL_DEPTH && level.length > 0; depth++) {
    const next: number[] = [];
    const visit = (node: number, e: number): void => {
      const other = up ? g.edgeFrom(e) : g.edgeTo(e);
      if (!w.holds(e, up ? other : node, false) || w.isRootCategory(other) || !follows(node, e, other)) return;
      if (g.isJsObject(other)) found.add(other);
      else if (!seen.has(other) && enters(other)) {
        seen.add(other);
        next.push(other);
      }
    };
    for (const node of level) {
      if (up) for (const e of g.inEdges(node)) visit(node, e);
      else for (let [e, end] = g.outEdges(node); e < end; e++) visit(node, e);
    }
    level = next;
  }
  return [...found];
}

/** Engine structures shared by a whole realm or module: climbing through them finds everything. */
const OPAQUE = new Set(['system / NativeContext', 'system / SourceTextModule', 'system / ScriptContextTable']);

/** The function V8 runs to evaluate a module's top level: held by the module's record, never visible to code. */
function isModuleBody(w: Walker, closure: number): boolean {
  const g = w.g;
  for (const e of g.inEdges(closure)) {
    if (g.edgeName(e) !== 'function') continue;
    for (const up of g.inEdges(g.edgeFrom(e))) if (g.nodeName(g.edgeFrom(up)) === 'system / SourceTextModule') return true;
  }
  return false;
}

function collectReferrers(w: Walker): number[] {
  const g = w.g;
  return nearestObjects(
    w,
    true,
    (node, e, from) => {
      if (!w.isContext(node)) return true;
      // A scope is held by the functions created in it and by the scopes nested in it; a module's
      // scope also by the module's own machinery, which no program can see.
      const name = g.edgeName(e);
      if (name !== 'context' && name !== 'previous') return false;
      return !w.isModuleContext(node) || (g.nodeType(from) === 'closure' && !isModuleBody(w, from));
    },
    (from) => !w.isSynthetic(from) && !OPAQUE.has(g.nodeName(from)),
  );
}

/**
 * The live objects that `target` holds directly, like CPython's `gc.get_referents`: its property
 * and element values, a `Map`'s keys and values, a `Set`'s elements, the values a function's closure
 * captures (not a module's top-level variables, which every function of the module shares), and a
 * bound function's target, `this` and arguments. Primitives (strings, numbers) and the prototype are
 * not included; weakly held objects (a WeakRef's target, a WeakMap's entries) are not referents.
 *
 * GC semantics and cost: as {@link getReferrers} (one heap snapshot, one heap walk per result).
 *
 * @param target an object or function
 * @returns the referents in the engine's order, without duplicates
 * @throws TypeError for a primitive; Error naming the engine where heap snapshots are unavailable
 * @example
 * ```ts
 * import { getReferents } from 'weakref-ts/gc';
 * const a = {}, b = {};
 * const pair = new Map([[a, b]]);
 * getReferents(pair); // [a, b]
 * ```
 */
export function getReferents(target: object): object[] {
  assertObject(target, 'get the referents of');
  const walker = new Walker(snapshotAround('getReferents', target));
  return resolveIds('getReferents', collectReferents(walker).map((node) => walker.g.nodeId(node)));
}

function collectReferents(w: Walker): number[] {
  const g = w.g;
  return nearestObjects(
    w,
    false,
    () => true,
    (to) => {
      // Look inside the engine parts that store the object's own values (backing stores, tables,
      // closure scopes), but not into the scopes that every function of a module or script shares.
      const type = g.nodeType(to);
      if (type !== 'array' && type !== 'hidden' && !w.isContext(to)) return false;
      return !w.isModuleContext(to) && !w.isScriptContext(to) && g.nodeName(to) !== 'system / NativeContext';
    },
  );
}

function pathOf(fn: string, target: object): { steps: RetainerStep[] } | undefined {
  const walker = new Walker(snapshotAround(fn, target));
  const edges = walker.retainerEdges();
  return edges === undefined ? undefined : { steps: new Describer(walker).steps(edges) };
}

/**
 * The shortest chain of strong references from a GC root to `target`, target first: step 0 says
 * what holds the target, the last step is the root (a module or script variable, a property of
 * `globalThis`, or an engine root such as Node's timer list). Internals are folded into words: a
 * `Map` entry is one step (`Map`, `value for key 'Alice'`), a closure's scope is the function that
 * captured the variable (`function onTick`, `captured variable 'self'`).
 *
 * GC semantics: `undefined` when nothing but weak references (WeakRef targets, WeakMap keys,
 * FinalizationRegistry cells, this library's weak sides) and this call itself hold `target`: it
 * will be collected. Local variables of running functions are not roots here (a snapshot cannot
 * tell them from this call's own arguments). It takes a heap snapshot, which runs a full collection;
 * nothing is kept afterwards. Works on Node and Deno (both V8); on Bun it throws an Error, because
 * JavaScriptCore's snapshot does not show module-scope variables as holders.
 *
 * @param target an object or function
 * @returns the chain, target first, or `undefined`
 * @throws TypeError for a primitive; Error naming the engine where heap snapshots are unavailable
 * @example
 * ```ts
 * import { retainerPath } from 'weakref-ts/gc';
 * class Manager { workers = new Map<string, object>(); }
 * export const manager1 = new Manager();
 * const worker = {};
 * manager1.workers.set('Alice', worker);
 * retainerPath(worker);
 * // [ { holder: 'Map', edge: "value for key 'Alice'" },
 * //   { holder: 'Manager', edge: '.workers' },
 * //   { holder: '(module variable)', edge: 'manager1' } ]
 * ```
 */
export function retainerPath(target: object): RetainerStep[] | undefined {
  assertObject(target, 'find the retainer path of');
  return pathOf('retainerPath', target)?.steps;
}

/**
 * Why `target` is still alive, in words: its {@link retainerPath} printed one step a line, target
 * first, each line after the first starting with `← `.
 *
 * ```
 * Worker
 * ← Map value for key 'Alice'
 * ← Manager.workers
 * ← manager1 (module variable)
 * ```
 *
 * When only weak references and this call hold it, the second line says so. GC semantics and cost
 * as {@link retainerPath}.
 *
 * @param target an object or function
 * @returns the chain as text
 * @throws TypeError for a primitive; Error naming the engine where heap snapshots are unavailable
 * @example
 * ```ts
 * import { whyAlive } from 'weakref-ts/gc';
 * const root = globalThis as typeof globalThis & { leak?: object[] };
 * root.leak = [{}];
 * console.log(whyAlive(root.leak[0]!)); // "Object\n← Array[0]\n← globalThis.leak"
 * ```
 */
export function whyAlive(target: object): string {
  assertObject(target, 'explain');
  const path = pathOf('whyAlive', target);
  const head = describeTarget(target);
  if (path === undefined) return `${head}\n(nothing but weak references and this call hold it: it can be collected)`;
  return [head, ...path.steps.map((step) => `← ${renderStep(step)}`)].join('\n');
}
