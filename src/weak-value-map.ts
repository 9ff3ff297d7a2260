import { inspectCustom } from './internal/describe.js';
import { assertWeakTarget, isWeakTarget, type WeakTarget } from './internal/holdable.js';
import {
  assertCallback,
  forEachLive,
  inspectAs,
  KeyedNode,
  readEntries,
  WeakList,
  WeakListIterator,
  type InspectFn,
  type InspectOptions,
} from './internal/weak-list.js';
import { KeyedRef } from './ref.js';

/**
 * A `Map` whose values are held weakly: Python's `WeakValueDictionary`. The classic cache of
 * live objects by id: `cache.getOrInsertComputed(id, load)` returns the object while anyone uses
 * it, and loads a new one once it was collected.
 *
 * GC semantics: an entry lives as long as its value is reachable from elsewhere; keys are held
 * strongly until their entry is removed. Once a value is collected, its entry is absent at once
 * for `get`, `has`, iteration and `popItem` (before any cleanup runs); `size` counts only live
 * entries from the engine's next finalization callbacks on, and always after `await collect()`
 * from `weakref-ts/gc`. Dead entries (and the keys they hold) are dropped lazily: by reads that
 * meet them, by `size`, by inserts (amortized) and by `collect()`. Nothing is ever removed in the
 * background, so a late cleanup can never undo an overwrite or a re-insertion.
 *
 * Order: insertion order, like `Map`; overwriting a live entry keeps its place, while setting a
 * key whose value was collected is an insertion (the entry goes last).
 *
 * @typeParam K the keys, any values (compared like `Map` keys)
 * @typeParam V the values: objects, functions or non-registered symbols
 * @throws TypeError from `set` and friends when a value cannot be held weakly
 *   (`cannot create weak reference to 'number' value`); the map is then unchanged
 * @example
 * ```ts
 * import { WeakValueMap } from 'weakref-ts';
 * class User { constructor(readonly id: string) {} }
 * const users = new WeakValueMap<string, User>();
 * const alice = users.getOrInsertComputed('alice', (id) => new User(id));
 * users.get('alice') === alice; // true while alice is in use; undefined after it is collected
 * ```
 */
export class WeakValueMap<K, V extends WeakTarget> implements Map<K, V> {
  /** Key → its node; the node is the WeakRef to the value and knows its key. */
  readonly #nodes = new Map<K, KeyedNode<K, V>>();
  /** Order for iteration and popItem; also this map's sweeper. */
  readonly #list: WeakList<KeyedNode<K, V>>;

  /**
   * @param entries initial `[key, value]` pairs, applied in order; all are checked before any is
   *   stored
   * @throws TypeError when `entries` is not iterable, an item is not an entry, or a value cannot be
   *   held weakly (then nothing is stored)
   */
  constructor(entries?: Iterable<readonly [K, V]> | null) {
    const nodes = this.#nodes;
    this.#list = new WeakList<KeyedNode<K, V>>({
      // Every node in the list is its key's current entry (an overwrite or a re-insertion takes the
      // old node out of the list), so a dropped node's key always leaves with it.
      delete: (node) => nodes.delete(node.key),
      // A primitive key lets nothing else die; an object or symbol key may.
      releases: (node) => isWeakTarget(node.key),
      rebuild: (kept) => {
        nodes.clear();
        for (const node of kept) if (node !== undefined) nodes.set(node.key, node);
      },
    });
    if (entries !== undefined && entries !== null) this.#apply(entries, 'create a WeakValueMap');
  }

  /** The number of live entries (exact after the engine's finalization callbacks ran, see class doc). */
  get size(): number {
    return this.#list.liveCount();
  }

  /** The live value stored under `key`, or undefined (also when it was collected). */
  get(key: K): V | undefined {
    const node = this.#nodes.get(key);
    if (node === undefined) return undefined;
    const value = node.deref();
    if (value === undefined) this.#remove(key, node);
    return value;
  }

  /** True if `key` has an entry whose value is alive. */
  has(key: K): boolean {
    return this.#live(key) !== undefined;
  }

  /**
   * Stores `value` under `key`. A live entry keeps its place; a new key, or one whose value was
   * collected, goes last.
   * @throws TypeError when `value` cannot be held weakly (nothing changes)
   */
  set(key: K, value: V): this {
    assertWeakTarget(value);
    key = canonicalKey(key);
    const old = this.#nodes.get(key);
    // One deref: it is what API.md's order rule costs (a dead entry's key is an insertion).
    const current = old?.deref();
    if (current === undefined) {
      // A dead entry leaves the order; #insert's store then replaces it in the index.
      if (old !== undefined) this.#list.unlink(old);
      this.#insert(key, value);
    } else if (current !== value) {
      const node = new KeyedNode<K, V>(value, key);
      this.#nodes.set(key, node);
      this.#list.replace(old!, node);
    }
    return this;
  }

  /** Removes the entry of `key`; true if it had a live value (a collected one counts as absent). */
  delete(key: K): boolean {
    const node = this.#live(key);
    if (node === undefined) return false;
    this.#remove(key, node);
    return true;
  }

  /** Removes every entry; running iterators continue with entries added afterwards. */
  clear(): void {
    this.#nodes.clear();
    this.#list.clear();
  }

  /**
   * Calls `callback(value, key, map)` for each live entry in order, like `Map#forEach`. Errors
   * thrown by the callback propagate.
   */
  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    assertCallback(callback, 'call WeakValueMap.forEach');
    forEachLive(this.#list, (node, value) => {
      callback.call(thisArg, value as V, node.key, this);
    });
  }

  /** The keys of the live entries in order. */
  keys(): MapIterator<K> {
    return new WeakListIterator(this.#list, (node) => node.key, 'WeakValueMap Iterator') as unknown as MapIterator<K>;
  }

  /** The live values in order. */
  values(): MapIterator<V> {
    return new WeakListIterator(this.#list, (_node, value) => value as V, 'WeakValueMap Iterator') as unknown as MapIterator<V>;
  }

  /** `[key, value]` for each live entry in order. */
  entries(): MapIterator<[K, V]> {
    return new WeakListIterator(this.#list, (node, value) => [node.key, value as V] as [K, V], 'WeakValueMap Iterator') as unknown as MapIterator<[K, V]>;
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** `'WeakValueMap'`, so `String(map)` is `[object WeakValueMap]`. */
  get [Symbol.toStringTag](): string {
    return 'WeakValueMap';
  }

  /**
   * The live value of `key`; otherwise (no entry, or its value was collected) stores `value` last
   * and returns it (ES2026 `Map#getOrInsert`).
   * @throws TypeError when `value` cannot be held weakly (nothing changes)
   */
  getOrInsert(key: K, value: V): V {
    assertWeakTarget(value);
    key = canonicalKey(key);
    const live = this.get(key);
    if (live !== undefined) return live;
    this.#insert(key, value);
    return value;
  }

  /**
   * The live value of `key`; otherwise calls `compute(key)`, stores the result last and returns
   * it (ES2026 `Map#getOrInsertComputed`). If `compute` throws, nothing changes; if it stored
   * `key` itself, its result overwrites that value.
   * @throws TypeError when `compute` is not a function or returns a value that cannot be held
   *   weakly (nothing changes)
   * @example
   * ```ts
   * import { WeakValueMap } from 'weakref-ts';
   * class User { constructor(readonly id: string) {} }
   * const users = new WeakValueMap<string, User>();
   * let loads = 0;
   * const load = (id: string) => { loads++; return new User(id); };
   * const first = users.getOrInsertComputed('ada', load);
   * users.getOrInsertComputed('ada', load) === first; // true
   * loads; // 1
   * ```
   */
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    assertCallback(compute, 'call WeakValueMap.getOrInsertComputed');
    key = canonicalKey(key);
    const live = this.get(key);
    if (live !== undefined) return live;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /**
   * A new {@link KeyedRef} to each live value, with its key, in order (Python's `valuerefs()`).
   * Each may die later; its `key` says which entry it was.
   */
  valueRefs(): KeyedRef<V, K>[] {
    const refs: KeyedRef<V, K>[] = [];
    forEachLive(this.#list, (node, value) => {
      refs.push(new KeyedRef<V, K>(value as V, undefined, node.key));
    });
    return refs;
  }

  /**
   * Python's `setdefault`: the live value of `key`, otherwise stores and returns `value`. Same as
   * {@link getOrInsert}.
   * @throws TypeError when `value` cannot be held weakly (nothing changes)
   */
  setDefault(key: K, value: V): V {
    return this.getOrInsert(key, value);
  }

  /**
   * Removes the entry of `key` and returns its live value; when there is none (or it was
   * collected), returns `fallback` (or undefined without one).
   */
  pop(key: K): V | undefined;
  pop<D>(key: K, fallback: D): V | D;
  pop<D>(key: K, fallback?: D): V | D | undefined {
    const node = this.#nodes.get(key);
    const value = node?.deref();
    if (node !== undefined) {
      this.#remove(key, node);
      if (value !== undefined) return value;
    }
    return arguments.length > 1 ? fallback : undefined;
  }

  /**
   * Removes and returns the newest live entry, `[key, value]` (last in insertion order; an
   * overwrite does not move a key), or undefined when no live entry is left. O(1) amortized.
   */
  popItem(): [K, V] | undefined {
    const found = this.#list.popLive();
    if (found === undefined) return undefined;
    const [node, value] = found;
    this.#remove(node.key, node);
    return [node.key, value as V];
  }

  /**
   * Stores every `[key, value]` of `entries` in order, after checking all of them (all-or-nothing).
   * @returns this map
   * @throws TypeError when `entries` is not iterable, an item is not an entry, or a value cannot
   *   be held weakly (then nothing changes)
   */
  update(entries: Iterable<readonly [K, V]>): this {
    this.#apply(entries, 'update a WeakValueMap');
    return this;
  }

  /** A new WeakValueMap with the live entries of this one, in the same order. */
  copy(): WeakValueMap<K, V> {
    const copy = new WeakValueMap<K, V>();
    forEachLive(this.#list, (node, value) => {
      copy.set(node.key, value as V);
    });
    return copy;
  }

  /** @internal `util.inspect`: like a Map, with this class's name and live entries only. */
  [inspectCustom](depth: number | null, options: InspectOptions, inspect: InspectFn): string {
    const live = new Map<unknown, unknown>();
    forEachLive(this.#list, (node, value) => {
      live.set(node.key, value);
    });
    return inspectAs(this, 'WeakValueMap', live, depth, options, inspect);
  }

  /** The node of `key` if its value is alive; a dead entry met here is dropped on the spot. */
  #live(key: K): KeyedNode<K, V> | undefined {
    const node = this.#nodes.get(key);
    if (node === undefined) return undefined;
    if (node.deref() !== undefined) return node;
    this.#remove(key, node);
    return undefined;
  }

  /** Removes the entry of `key` (live, or dead: that frees the key, and a later set of it is an insertion). */
  #remove(key: K, node: KeyedNode<K, V>): void {
    this.#nodes.delete(key);
    this.#list.unlink(node);
  }

  #insert(key: K, value: V): void {
    const node = new KeyedNode<K, V>(value, key);
    // Append first: the append may sweep, and a sweep of a mass death rebuilds the index from the
    // list's nodes, which would leave out a node that was indexed but not yet linked.
    this.#list.append(node);
    this.#nodes.set(key, node);
  }

  #apply(entries: Iterable<readonly [K, V]>, what: string): void {
    const [keys, values] = readEntries(entries, (_key, value) => assertWeakTarget(value), what);
    for (let i = 0; i < keys.length; i++) this.set(keys[i] as K, values[i] as V);
  }
}

/**
 * Map's key canonicalisation: `-0` is stored (and handed to `compute`) as `+0`. The inner Map does
 * this for its own keys, but our nodes keep a copy of the key, which iteration reports.
 */
function canonicalKey<K>(key: K): K {
  return (key === 0 ? 0 : key) as K;
}
