import { inspectCustom } from './internal/describe.js';
import { assertWeakTarget, isWeakTarget, type WeakTarget } from './internal/holdable.js';
import {
  assertCallback,
  assertIterable,
  forEachLive,
  inspectAs,
  readMembers,
  WeakList,
  WeakListIterator,
  WeakNode,
  type InspectFn,
  type InspectOptions,
} from './internal/weak-list.js';

/**
 * A `Set` whose members are held weakly and that can be iterated: Python's `WeakSet`. Track the
 * live instances of a class, the observers of a subject or the open handles of a pool without
 * keeping any of them alive.
 *
 * GC semantics: a member stays as long as it is reachable from elsewhere. Once it is collected it
 * is absent at once for iteration and `pop` (before any cleanup runs); `size` counts only live
 * members from the engine's next finalization callbacks on, and always after `await collect()`
 * from `weakref-ts/gc`. Neither the set nor an unfinished iterator keeps a member alive.
 *
 * Order: insertion order, like `Set`; changes during iteration behave as they do for `Set`.
 *
 * @typeParam T the members: objects, functions or non-registered symbols
 * @throws TypeError from `add` and friends when a member cannot be held weakly
 *   (`cannot create weak reference to 'number' value`); the set is then unchanged
 * @example
 * ```ts
 * import { IterableWeakSet } from 'weakref-ts';
 * class Connection { static open = new IterableWeakSet<Connection>(); constructor() { Connection.open.add(this); } }
 * new Connection();
 * Connection.open.size; // 1 until that connection is collected
 * ```
 */
export class IterableWeakSet<T extends WeakTarget> implements Set<T> {
  /** Member → its node, for O(1) has/delete. A WeakMap, so dead members vanish without our help. */
  #nodes = new WeakMap<T, WeakNode<T>>();
  /** Order for iteration and pop; also this set's sweeper. */
  #list = new WeakList<WeakNode<T>>();

  /**
   * @param values initial members, added in order; all are checked before any is added
   * @throws TypeError when `values` is not iterable or a member cannot be held weakly (then nothing
   *   is added)
   */
  constructor(values?: Iterable<T> | null) {
    if (values !== undefined && values !== null) this.#addAll(readMembers(values, 'create an IterableWeakSet'));
  }

  /** The number of live members (exact after the engine's finalization callbacks ran, see class doc). */
  get size(): number {
    return this.#list.liveCount();
  }

  /** True if `value` is a member. A value that cannot be held weakly is simply not one. */
  has(value: T): boolean {
    return this.#nodes.has(value);
  }

  /**
   * Adds `value` last, unless it is already a member.
   * @throws TypeError when `value` cannot be held weakly (nothing changes)
   */
  add(value: T): this {
    // A value that cannot be held weakly is never a member, so the check on insert covers it.
    if (!this.#nodes.has(value)) {
      assertWeakTarget(value);
      this.#insert(value);
    }
    return this;
  }

  /** Removes `value`; true if it was a member. */
  delete(value: T): boolean {
    const node = this.#nodes.get(value);
    if (node === undefined) return false;
    this.#nodes.delete(value);
    this.#list.unlink(node);
    return true;
  }

  /** Removes every member; running iterators continue with members added afterwards. */
  clear(): void {
    this.#nodes = new WeakMap();
    this.#list.clear();
  }

  /**
   * Calls `callback(value, value, set)` for each live member in order, like `Set#forEach`. Errors
   * thrown by the callback propagate.
   */
  forEach(callback: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    assertCallback(callback, 'call IterableWeakSet.forEach');
    forEachLive(this.#list, (_node, member) => {
      callback.call(thisArg, member as T, member as T, this);
    });
  }

  /** The live members in order. */
  values(): SetIterator<T> {
    return new WeakListIterator(this.#list, (_node, member) => member as T, 'IterableWeakSet Iterator') as unknown as SetIterator<T>;
  }

  /** Same as {@link values}, as for `Set`. */
  keys(): SetIterator<T> {
    return this.values();
  }

  /** `[member, member]` for each live member in order, as for `Set`. */
  entries(): SetIterator<[T, T]> {
    return new WeakListIterator(this.#list, (_node, member) => [member as T, member as T] as [T, T], 'IterableWeakSet Iterator') as unknown as SetIterator<[T, T]>;
  }

  /** Same as {@link values}. */
  [Symbol.iterator](): SetIterator<T> {
    return this.values();
  }

  /** `'IterableWeakSet'`, so `String(set)` is `[object IterableWeakSet]`. */
  get [Symbol.toStringTag](): string {
    return 'IterableWeakSet';
  }

  /**
   * A new set with the live members of this one, then those of `other` (ES2025 `Set#union`).
   * @param other any iterable, or a set-like object (`size`, `has`, `keys`: a `Set`, a `Map`'s
   *   keys), read through `keys()` as ES2025 does
   * @throws TypeError when `other` is neither, or one of its items cannot be held weakly (nothing
   *   is built then)
   * @example
   * ```ts
   * import { IterableWeakSet } from 'weakref-ts';
   * const a = { name: 'a' };
   * const b = { name: 'b' };
   * const both = new IterableWeakSet([a]).union([b]);
   * both.size; // 2
   * both.has(b); // true
   * ```
   */
  union<U>(other: Iterable<U> | SetLikeOf<U>): IterableWeakSet<T | (U & WeakTarget)> {
    const added = readMembers(itemsOf(other, 'compute the union'), 'compute the union') as (U & WeakTarget)[];
    const result = this.copy() as IterableWeakSet<T | (U & WeakTarget)>;
    result.#addAll(added);
    return result;
  }

  /** A new set with the live members of this one that are also in `other`, in this set's order. */
  intersection<U>(other: Iterable<U> | SetLikeOf<U>): IterableWeakSet<T & U> {
    const lookup = toLookup(other, 'compute the intersection');
    const result = new IterableWeakSet<T & U>();
    forEachLive(this.#list, (_node, member) => {
      if (lookup.has(member)) result.#insert(member as T & U);
    });
    return result;
  }

  /** A new set with the live members of this one that are not in `other`. */
  difference<U>(other: Iterable<U> | SetLikeOf<U>): IterableWeakSet<T> {
    const lookup = toLookup(other, 'compute the difference');
    const result = new IterableWeakSet<T>();
    forEachLive(this.#list, (_node, member) => {
      if (!lookup.has(member)) result.#insert(member as T);
    });
    return result;
  }

  /**
   * A new set with the live members of this one not in `other`, then the items of `other` not in
   * this one.
   * @throws TypeError when an item of `other` that would be added cannot be held weakly
   */
  symmetricDifference<U>(other: Iterable<U> | SetLikeOf<U>): IterableWeakSet<T | (U & WeakTarget)> {
    const items = [...itemsOf(other, 'compute the symmetric difference')];
    const lookup = new Set<unknown>(items);
    const added: (U & WeakTarget)[] = [];
    for (const item of items) {
      if (!this.#nodes.has(item as T)) {
        assertWeakTarget(item);
        added.push(item as U & WeakTarget);
      }
    }
    const result = new IterableWeakSet<T | (U & WeakTarget)>();
    forEachLive(this.#list, (_node, member) => {
      if (!lookup.has(member)) result.#insert(member as T);
    });
    result.#addAll(added);
    return result;
  }

  /** True if every live member of this set is in `other`. */
  isSubsetOf(other: Iterable<unknown> | SetLikeOf<unknown>): boolean {
    const lookup = toLookup(other, 'test isSubsetOf');
    let subset = true;
    forEachLive(this.#list, (_node, member) => {
      if (!lookup.has(member)) subset = false;
    });
    return subset;
  }

  /** True if every item of `other` is a member of this set. */
  isSupersetOf(other: Iterable<unknown> | SetLikeOf<unknown>): boolean {
    for (const item of itemsOf(other, 'test isSupersetOf')) if (!this.#nodes.has(item as T)) return false;
    return true;
  }

  /** True if no item of `other` is a member of this set. */
  isDisjointFrom(other: Iterable<unknown> | SetLikeOf<unknown>): boolean {
    for (const item of itemsOf(other, 'test isDisjointFrom')) if (this.#nodes.has(item as T)) return false;
    return true;
  }

  /**
   * Removes and returns the newest live member, or undefined when the set is empty (Python's
   * `WeakSet.pop` picks an arbitrary one; we pick the newest, in O(1) amortized).
   */
  pop(): T | undefined {
    const found = this.#list.popLive();
    if (found === undefined) return undefined;
    const member = found[1] as T;
    this.delete(member);
    return member;
  }

  /**
   * Adds every member of `values` in order, after checking all of them (all-or-nothing).
   * @returns this set
   * @throws TypeError when `values` is not iterable or a member cannot be held weakly (then
   *   nothing changes)
   */
  update(values: Iterable<T>): this {
    this.#addAll(readMembers(values, 'update an IterableWeakSet'));
    return this;
  }

  /** A new IterableWeakSet with the live members of this one, in the same order. */
  copy(): IterableWeakSet<T> {
    const copy = new IterableWeakSet<T>();
    forEachLive(this.#list, (_node, member) => {
      copy.#insert(member as T);
    });
    return copy;
  }

  /** @internal `util.inspect`: like a Set, with this class's name and live members only. */
  [inspectCustom](depth: number | null, options: InspectOptions, inspect: InspectFn): string {
    const live = new Set<unknown>();
    forEachLive(this.#list, (_node, member) => {
      live.add(member);
    });
    return inspectAs(this, 'IterableWeakSet', live, depth, options, inspect);
  }

  #insert(member: T): void {
    const node = new WeakNode<T>(member);
    this.#nodes.set(member, node);
    this.#list.append(node);
  }

  #addAll(members: readonly T[]): void {
    for (const member of members) if (!this.#nodes.has(member)) this.#insert(member);
  }
}

/**
 * What the ES2025 set methods accept: `size`, `has` and `keys` (TypeScript's `ReadonlySetLike`,
 * spelled out because the ES2022 lib has no such type).
 */
export interface SetLikeOf<T> {
  /** How many members it has (ES2025 reads it to pick the cheaper side). */
  readonly size: number;
  /** Whether `value` is a member. */
  has(value: T): boolean;
  /** Its members; ES2025 set methods read a set-like object through this, not its iterator. */
  keys(): Iterator<T>;
}

/**
 * The items of `other`: through `keys()` for a set-like object (as ES2025 reads a Set or a Map),
 * otherwise by iterating it (an array, a generator, any iterable).
 */
function itemsOf(other: unknown, what: string): Iterable<unknown> {
  if (other !== null && (typeof other === 'object' || typeof other === 'function')) {
    const candidate = other as Partial<SetLikeOf<unknown>>;
    if (typeof candidate.has === 'function' && typeof candidate.keys === 'function' && typeof candidate.size === 'number') {
      const keys = candidate.keys.bind(other);
      return { [Symbol.iterator]: () => keys() as Iterator<unknown> };
    }
  }
  assertIterable(other, what, 'an iterable or a set-like object');
  return other;
}

/** The weakly holdable items of `other`, for membership tests (others can never be members). */
function toLookup(other: unknown, what: string): Set<unknown> {
  const lookup = new Set<unknown>();
  for (const item of itemsOf(other, what)) if (isWeakTarget(item)) lookup.add(item);
  return lookup;
}
