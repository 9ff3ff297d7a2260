import { inspectCustom } from './internal/describe.js';
import { assertWeakTarget, type WeakTarget } from './internal/holdable.js';
import {
  assertCallback,
  forEachLive,
  inspectAs,
  readEntries,
  WeakList,
  WeakListIterator,
  WeakNode,
  type InspectFn,
  type InspectOptions,
} from './internal/weak-list.js';
import { ref, type Ref } from './ref.js';

/**
 * A `Map` whose keys are held weakly and that can be iterated: Python's `WeakKeyDictionary`.
 * Attach data to objects you do not own (per-object metadata, caches keyed by a request or a DOM
 * node) and still list, count and drain what is there.
 *
 * GC semantics: an entry lives as long as its key is reachable from elsewhere. The value is held
 * like a `WeakMap` holds it (an ephemeron): a value that references its own key does not keep the
 * entry alive. Once a key is collected its entry is absent at once for iteration, `popItem` and
 * `keyRefs` (before any cleanup runs); `size` counts only live entries from the engine's next
 * finalization callbacks on, and always after `await collect()` from `weakref-ts/gc`. The map
 * never keeps a key alive, and neither does an unfinished iterator.
 *
 * Order: insertion order, like `Map`; overwriting a key keeps its place. Changes during iteration
 * behave as they do for `Map`.
 *
 * @typeParam K the keys: objects, functions or non-registered symbols
 * @typeParam V the values, held as long as their key lives
 * @throws TypeError from `set` and friends when a key cannot be held weakly
 *   (`cannot create weak reference to 'string' value`); the map is then unchanged
 * @example
 * ```ts
 * import { IterableWeakMap } from 'weakref-ts';
 * const seen = new IterableWeakMap<object, number>();
 * const request = {};
 * seen.set(request, Date.now());
 * for (const [req, at] of seen) console.log(req, at); // only requests still alive
 * ```
 */
export class IterableWeakMap<K extends WeakTarget, V> implements Map<K, V> {
  /** The values, as ephemerons under their keys. */
  #values = new WeakMap<K, V>();
  /** Key → its node, for O(1) delete. A WeakMap, so that dead keys vanish without our help. */
  #nodes = new WeakMap<K, WeakNode<K>>();
  /** Order for iteration and popItem; also this map's sweeper. */
  #list = new WeakList<WeakNode<K>>();

  /**
   * @param entries initial `[key, value]` pairs, applied in order; all are checked before any is
   *   stored
   * @throws TypeError when `entries` is not iterable, an item is not an entry, or a key cannot be
   *   held weakly (then nothing is stored)
   */
  constructor(entries?: Iterable<readonly [K, V]> | null) {
    if (entries !== undefined && entries !== null) this.#apply(entries, 'create an IterableWeakMap');
  }

  /** The number of live entries (exact after the engine's finalization callbacks ran, see class doc). */
  get size(): number {
    return this.#list.liveCount();
  }

  /** The value stored under `key`, or undefined. A key that cannot be held weakly is simply absent. */
  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  /** True if `key` has an entry (a live key is needed to ask, so the answer is never stale). */
  has(key: K): boolean {
    return this.#nodes.has(key);
  }

  /**
   * Stores `value` under `key`; a new key goes last, an existing one keeps its place.
   * @throws TypeError when `key` cannot be held weakly (nothing changes)
   */
  set(key: K, value: V): this {
    // A key that cannot be held weakly is never found, so the check on insert covers it.
    if (!this.#nodes.has(key)) {
      assertWeakTarget(key);
      this.#insert(key);
    }
    this.#values.set(key, value);
    return this;
  }

  /** Removes the entry of `key`; true if there was one. */
  delete(key: K): boolean {
    const node = this.#nodes.get(key);
    if (node === undefined) return false;
    this.#nodes.delete(key);
    this.#values.delete(key);
    this.#list.unlink(node);
    return true;
  }

  /** Removes every entry; running iterators continue with entries added afterwards. */
  clear(): void {
    this.#values = new WeakMap();
    this.#nodes = new WeakMap();
    this.#list.clear();
  }

  /**
   * Calls `callback(value, key, map)` for each live entry in order, like `Map#forEach`. Errors
   * thrown by the callback propagate.
   */
  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    assertCallback(callback, 'call IterableWeakMap.forEach');
    forEachLive(this.#list, (_node, key) => {
      callback.call(thisArg, this.#values.get(key as K) as V, key as K, this);
    });
  }

  /** The live keys in order. */
  keys(): MapIterator<K> {
    return new WeakListIterator(this.#list, (_node, key) => key as K, 'IterableWeakMap Iterator') as unknown as MapIterator<K>;
  }

  /** The values of the live entries in order. */
  values(): MapIterator<V> {
    return new WeakListIterator(this.#list, (_node, key) => this.#values.get(key as K) as V, 'IterableWeakMap Iterator') as unknown as MapIterator<V>;
  }

  /** `[key, value]` for each live entry in order. */
  entries(): MapIterator<[K, V]> {
    return new WeakListIterator(this.#list, (_node, key) => [key as K, this.#values.get(key as K) as V] as [K, V], 'IterableWeakMap Iterator') as unknown as MapIterator<[K, V]>;
  }

  /** Same as {@link entries}. */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  /** `'IterableWeakMap'`, so `String(map)` is `[object IterableWeakMap]`. */
  get [Symbol.toStringTag](): string {
    return 'IterableWeakMap';
  }

  /**
   * The value of `key` if it has an entry; otherwise stores `value` (last) and returns it
   * (ES2026 `Map#getOrInsert`).
   * @throws TypeError when `key` cannot be held weakly (nothing changes)
   */
  getOrInsert(key: K, value: V): V {
    assertWeakTarget(key);
    if (this.#nodes.has(key)) return this.#values.get(key) as V;
    this.#insert(key);
    this.#values.set(key, value);
    return value;
  }

  /**
   * The value of `key` if it has an entry; otherwise calls `compute(key)`, stores the result and
   * returns it (ES2026 `Map#getOrInsertComputed`). If `compute` throws, nothing changes; if it
   * stored `key` itself, its result overwrites that value.
   * @throws TypeError when `key` cannot be held weakly or `compute` is not a function
   */
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    assertWeakTarget(key);
    assertCallback(compute, 'call IterableWeakMap.getOrInsertComputed');
    if (this.#nodes.has(key)) return this.#values.get(key) as V;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /**
   * A shared {@link Ref} (see `ref()`) to each live key, in order (Python's `keyrefs()`).
   * @example
   * ```ts
   * import { IterableWeakMap } from 'weakref-ts';
   * const key = { id: 1 };
   * const map = new IterableWeakMap([[key, 'one']]);
   * const refs = map.keyRefs(); // one Ref per live key; each may die later
   * refs.length; // 1
   * refs[0]!.deref() === key; // true
   * ```
   */
  keyRefs(): Ref<K>[] {
    const refs: Ref<K>[] = [];
    forEachLive(this.#list, (_node, key) => {
      refs.push(ref(key as K));
    });
    return refs;
  }

  /**
   * Python's `setdefault`: the value of `key` if it has an entry, otherwise stores and returns
   * `value`. Same as {@link getOrInsert}.
   * @throws TypeError when `key` cannot be held weakly (nothing changes)
   */
  setDefault(key: K, value: V): V {
    return this.getOrInsert(key, value);
  }

  /**
   * Removes the entry of `key` and returns its value; when there is none, returns `fallback`
   * (or undefined without one).
   */
  pop(key: K): V | undefined;
  pop<D>(key: K, fallback: D): V | D;
  pop<D>(key: K, fallback?: D): V | D | undefined {
    if (this.#nodes.has(key)) {
      const value = this.#values.get(key) as V;
      this.delete(key);
      return value;
    }
    return arguments.length > 1 ? fallback : undefined;
  }

  /**
   * Removes and returns the newest live entry, `[key, value]` (last in insertion order; an
   * overwrite does not move a key), or undefined when the map is empty. O(1) amortized.
   */
  popItem(): [K, V] | undefined {
    const found = this.#list.popLive();
    if (found === undefined) return undefined;
    const key = found[1] as K;
    const value = this.#values.get(key) as V;
    this.delete(key);
    return [key, value];
  }

  /**
   * Stores every `[key, value]` of `entries` in order, after checking all of them (all-or-nothing).
   * @returns this map
   * @throws TypeError when `entries` is not iterable, an item is not an entry, or a key cannot be
   *   held weakly (then nothing changes)
   */
  update(entries: Iterable<readonly [K, V]>): this {
    this.#apply(entries, 'update an IterableWeakMap');
    return this;
  }

  /** A new IterableWeakMap with the live entries of this one, in the same order. */
  copy(): IterableWeakMap<K, V> {
    const copy = new IterableWeakMap<K, V>();
    forEachLive(this.#list, (_node, key) => {
      copy.set(key as K, this.#values.get(key as K) as V);
    });
    return copy;
  }

  /** @internal `util.inspect`: like a Map, with this class's name and live entries only. */
  [inspectCustom](depth: number | null, options: InspectOptions, inspect: InspectFn): string {
    const live = new Map<unknown, unknown>();
    forEachLive(this.#list, (_node, key) => {
      live.set(key, this.#values.get(key as K));
    });
    return inspectAs(this, 'IterableWeakMap', live, depth, options, inspect);
  }

  #insert(key: K): void {
    const node = new WeakNode<K>(key);
    this.#nodes.set(key, node);
    this.#list.append(node);
  }

  #apply(entries: Iterable<readonly [K, V]>, what: string): void {
    const [keys, values] = readEntries(entries, (key) => assertWeakTarget(key), what);
    for (let i = 0; i < keys.length; i++) this.set(keys[i] as K, values[i] as V);
  }
}
