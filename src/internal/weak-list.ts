import { assertWeakTarget, kindOf, type WeakTarget } from './holdable.js';
import { gcEpoch, noteCleanup, trackSweepable, type Sweepable } from './registry.js';

/*
 * The one ordered store behind IterableWeakMap, WeakValueMap and IterableWeakSet: an intrusive
 * doubly linked list whose nodes ARE the WeakRefs to the weak side of each entry.
 *
 * Why a list and not a Map/Set of WeakRefs: `popItem()` must return the newest live entry, and
 * Map/Set cannot be walked backwards (a drain loop would be O(n^2)); a node also costs less than a
 * WeakRef plus a Set slot (measured at 1M entries, Node 20: set of weak members 81 B/entry as a
 * list vs 86 as WeakMap + Set<WeakRef>, 97 with a stack for popItem).
 *
 * Why no FinalizationRegistry cell per entry: a cell costs 72 bytes, more than the rest of an
 * entry. The list sweeps lazily against the library's GC epoch instead. Nothing is ever deleted
 * asynchronously, and a sweep drops only a node whose own WeakRef is empty at that moment, so a
 * late cleanup can never undo an overwrite or a re-insertion (the peer bugs in ENGINE-NOTES §2).
 *
 * Iteration under mutation follows Map: a removed node keeps `prev` (where iteration resumes:
 * after it) and points `next` at itself (the "removed" mark). Nothing is ever inserted between a
 * removed node and its recorded predecessor (appends go to the tail, replacements take the exact
 * place of the node they replace), so "after the removed node" always equals "after its
 * predecessor". Walking `prev` from a removed node reaches a live node or the list head, whose
 * `next` is the first node the iterator has not seen. Live nodes never point at removed ones, so
 * removed nodes are garbage unless an iterator still stands on them.
 */

/** Where iteration can stand: the list head, or a node. */
export interface Link {
  next: WeakNode<WeakTarget> | null;
}

/** An entry's weak side, linked into its collection's order. */
export class WeakNode<T extends WeakTarget> extends WeakRef<T> implements Link {
  /** Live: the predecessor (the list itself for the first node). Removed: resume after this. */
  prev: Link;
  /** Live: the successor or null for the tail. Removed: the node itself. */
  next: WeakNode<WeakTarget> | null = null;

  constructor(target: T) {
    super(target);
    this.prev = this;
  }
}

/** A node that also carries its entry's key (WeakValueMap: the key is strong, the value weak). */
export class KeyedNode<K, T extends WeakTarget> extends WeakNode<T> {
  readonly key: K;
  constructor(target: T, key: K) {
    super(target);
    this.key = key;
  }
}

/**
 * A collection's own index of its nodes (WeakValueMap: key → node), kept in step with the list.
 * IterableWeakMap and IterableWeakSet index by the weak side in WeakMaps, which the engine clears.
 */
export interface NodeIndex<N> {
  /** Removes a dead node's entry from the index. */
  delete(node: N): void;
  /**
   * True when dropping the node lets go of something (a WeakValueMap's object key) that may have
   * been the last reference to another weak target: `collect()` must then collect again.
   */
  releases(node: N): boolean;
  /** Makes the index hold exactly the list's nodes, after a sweep dropped many without `delete`. */
  rebuild(first: N | null): void;
}

/**
 * A sweep that dropped more than this many nodes, and more dead than live, rebuilds the index from
 * the survivors instead of deleting the dead one by one: a mass death then costs one index store per
 * survivor instead of one delete per dead entry.
 */
const REBUILD_MIN = 1024;

/** Below this many entries an insert never triggers a sweep. */
const SWEEP_MIN = 64;

/**
 * The ordered list plus its lazy sweeping. It is the collection's sweeper: `trackSweepable` holds
 * it weakly, the collection holds it in a #field, so it lives exactly as long as the collection.
 */
export class WeakList<N extends WeakNode<WeakTarget>> implements Link, Sweepable {
  /** The first node (the head link). */
  next: N | null = null;
  #tail: Link = this;
  #count = 0;
  #sweptEpoch: number;
  #sweepAt = SWEEP_MIN;
  readonly #index: NodeIndex<N> | undefined;

  constructor(index?: NodeIndex<N>) {
    this.#index = index;
    this.#sweptEpoch = gcEpoch();
    trackSweepable(this);
  }

  /**
   * The live count. Weak targets die only in full collections, and each full collection advances
   * the epoch in the library's finalization batch, so a list swept in the current epoch is exact.
   */
  liveCount(): number {
    if (this.#sweptEpoch !== gcEpoch()) this.sweep();
    return this.#count;
  }

  /** The newest node, or null. */
  last(): N | null {
    const tail = this.#tail;
    return tail === this ? null : (tail as N);
  }

  /** The first node after `link` that has not been removed (see the file comment), or null. */
  after(link: Link): N | null {
    while (link.next === link) link = (link as N).prev;
    return link.next as N | null;
  }

  /** Adds `node` last. May sweep other, dead nodes first (amortized over inserts). */
  append(node: N): void {
    if (this.#count >= this.#sweepAt) {
      // Bounds what dead entries hold (a WeakValueMap's keys) without a registry cell per entry.
      if (this.#sweptEpoch !== gcEpoch()) this.sweep();
      this.#sweepAt = Math.max(SWEEP_MIN, 2 * this.#count);
    }
    const tail = this.#tail;
    node.prev = tail;
    node.next = null;
    tail.next = node;
    this.#tail = node;
    this.#count++;
  }

  /** Takes `node` out of the order; iterators standing on it continue with its successor. */
  unlink(node: N): void {
    const prev = node.prev;
    const next = node.next;
    prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    node.next = node;
    this.#count--;
  }

  /** Puts `node` exactly where `old` was (an overwrite keeps its position); `old` counts as seen. */
  replace(old: N, node: N): void {
    const prev = old.prev;
    const next = old.next;
    node.prev = prev;
    node.next = next;
    prev.next = node;
    if (next === null) this.#tail = node;
    else next.prev = node;
    old.next = old;
    // An iterator that already yielded `old` must not yield the same entry again.
    old.prev = node;
  }

  /** Removes a node whose target is gone, and its index entry. */
  drop(node: N): void {
    if (this.#unindex(node)) noteCleanup();
    this.unlink(node);
  }

  /** Removes a dead node's index entry; true when that released something (see NodeIndex.releases). */
  #unindex(node: N): boolean {
    const index = this.#index;
    if (index === undefined) return false;
    index.delete(node);
    return index.releases(node);
  }

  /** Removes every node; running iterators continue with what is added afterwards. */
  clear(): void {
    let node = this.next as WeakNode<WeakTarget> | null;
    while (node !== null) {
      const next = node.next;
      node.next = node;
      node.prev = this;
      node = next;
    }
    this.next = null;
    this.#tail = this;
    this.#count = 0;
    this.#sweepAt = SWEEP_MIN;
  }

  /** Drops every node whose target is gone; returns how many. */
  sweep(): number {
    this.#sweptEpoch = gcEpoch();
    const index = this.#index;
    // With an index, the dead nodes are kept aside until the end, when the cheaper way to fix the
    // index is known: one delete per dead node, or one store per survivor.
    const dead: N[] | undefined = index === undefined ? undefined : [];
    let dropped = 0;
    let kept = 0;
    let node = this.next;
    while (node !== null) {
      const next = node.next as N | null;
      if (node.deref() !== undefined) {
        kept++;
      } else {
        this.unlink(node);
        dead?.push(node);
        dropped++;
      }
      node = next;
    }
    if (index !== undefined && dropped > 0) {
      let released = false;
      if (dropped > REBUILD_MIN && dropped > kept) {
        for (let i = 0; i < dropped && !released; i++) released = index.releases(dead![i]!);
        index.rebuild(this.next);
      } else {
        for (const gone of dead!) released = this.#unindex(gone) || released;
      }
      if (released) noteCleanup();
    }
    this.#sweepAt = Math.max(SWEEP_MIN, 2 * this.#count);
    return dropped;
  }

  /**
   * Removes and returns the newest node whose target is alive (with that target), dropping dead
   * nodes it passes; undefined when there is none.
   */
  popLive(): [N, WeakTarget] | undefined {
    for (let node = this.last(); node !== null; node = this.last()) {
      const target = node.deref();
      if (target === undefined) {
        this.drop(node);
        continue;
      }
      return [node, target];
    }
    return undefined;
  }
}

// ---- Iteration ----------------------------------------------------------------------------------

/** %IteratorPrototype%: inheriting it gives our iterators the engine's iterator helpers where they exist. */
const IteratorPrototype: object = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

/**
 * An iterator over the live nodes of a list, in order, that tolerates any mutation in between
 * (see the file comment). It holds only the node it stands on, which is a WeakRef: an unfinished
 * iterator keeps no entry alive.
 */
export class WeakListIterator<N extends WeakNode<WeakTarget>, R> {
  #list: WeakList<N> | undefined;
  #at: Link;
  readonly #project: (node: N, target: WeakTarget) => R;
  readonly #tag: string;

  constructor(list: WeakList<N>, project: (node: N, target: WeakTarget) => R, tag: string) {
    this.#list = list;
    this.#at = list;
    this.#project = project;
    this.#tag = tag;
  }

  next(): IteratorResult<R, undefined> {
    const list = this.#list;
    if (list !== undefined) {
      for (let node = list.after(this.#at); node !== null; node = list.after(node)) {
        this.#at = node;
        const target = node.deref();
        if (target === undefined) {
          list.drop(node);
          continue;
        }
        return { value: this.#project(node, target), done: false };
      }
      // Like a Map iterator, a finished iterator stays finished.
      this.#list = undefined;
      this.#at = EMPTY;
    }
    return { value: undefined, done: true };
  }

  [Symbol.iterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return this.#tag;
  }
}
Object.setPrototypeOf(WeakListIterator.prototype, IteratorPrototype);

const EMPTY: Link = { next: null };

/**
 * Calls `visit(node, target)` for every live node in order, dropping dead ones it passes, with the
 * same tolerance of mutation as the iterators (the callback may change the collection).
 */
export function forEachLive<N extends WeakNode<WeakTarget>>(list: WeakList<N>, visit: (node: N, target: WeakTarget) => void): void {
  for (let node = list.after(list); node !== null; node = list.after(node)) {
    const target = node.deref();
    if (target === undefined) list.drop(node);
    else visit(node, target);
  }
}

// ---- Input checks shared by the collections --------------------------------------------------------

/** Throws the TypeError of `Map.prototype.forEach` and friends for a callback that is not callable. */
export function assertCallback(value: unknown, what: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`Cannot ${what}: the callback must be a function, not a '${kindOf(value)}' value`);
  }
}

/**
 * Reads every `[key, value]` pair of `entries` into two arrays, checking each with `check` before
 * anything is applied: the constructors and `update` are all-or-nothing.
 */
export function readEntries<K, V>(
  entries: Iterable<readonly [K, V]>,
  check: (key: K, value: V) => void,
  what: string,
): [K[], V[]] {
  assertIterable(entries, what, 'an iterable of [key, value] entries');
  const keys: K[] = [];
  const values: V[] = [];
  for (const entry of entries) {
    if (entry === null || (typeof entry !== 'object' && typeof entry !== 'function')) {
      throw new TypeError(`Cannot ${what}: iterator value ${describeValue(entry)} is not an entry object`);
    }
    const key = entry[0];
    const value = entry[1];
    check(key, value);
    keys.push(key);
    values.push(value);
  }
  return [keys, values];
}

/** Throws a TypeError naming what was passed when `value` is not an iterable object. */
export function assertIterable(value: unknown, what: string, expected = 'an iterable'): asserts value is Iterable<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`Cannot ${what}: expected ${expected}, not a '${kindOf(value)}' value`);
  }
}

/** Reads every member of `values` into an array, checking that each can be held weakly. */
export function readMembers<T>(values: Iterable<T>, what: string): T[] {
  assertIterable(values, what);
  const members: T[] = [];
  for (const value of values) {
    assertWeakTarget(value);
    members.push(value);
  }
  return members;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'symbol') return value.toString();
  return String(value);
}

// ---- util.inspect ---------------------------------------------------------------------------------

/** The parts of Node's inspect options we read; typed here so that src imports nothing from Node. */
export interface InspectOptions {
  depth?: number | null;
  stylize?: (text: string, style: string) => string;
  [option: string]: unknown;
}
export type InspectFn = (value: unknown, options?: InspectOptions) => string;

/** The collections being printed right now (see inspectAs); created on first use, not at import. */
let printing: Set<object> | undefined;

/**
 * Prints `live` (a plain Map or Set of the live entries) the way Node prints it, under `name`:
 * `IterableWeakMap(1) [Map] { { id: 1 } => 'a' }` becomes possible without importing node:util,
 * because Node passes its own inspect as the third argument.
 */
export function inspectAs(self: object, name: string, live: Map<unknown, unknown> | Set<unknown>, depth: number | null | undefined, options: InspectOptions | undefined, inspect: InspectFn | undefined): string {
  const kind = live instanceof Map ? 'Map' : 'Set';
  if (typeof depth === 'number' && depth < 0) {
    const text = `[${name}]`;
    return options?.stylize ? options.stylize(text, 'special') : text;
  }
  if (typeof inspect !== 'function') {
    return `${name}(${live.size}) [${kind}] {${live.size === 0 ? '' : ' ... '}}`;
  }
  // Our nested inspect() call starts a fresh cycle check, so a collection that contains itself
  // would recurse for ever under `depth: null`; print the reference instead.
  printing ??= new Set();
  if (printing.has(self)) {
    const text = `[Circular ${name}]`;
    return options?.stylize ? options.stylize(text, 'special') : text;
  }
  printing.add(self);
  let printed: string;
  try {
    printed = inspect(live, { ...options, depth: depth ?? null });
  } finally {
    printing.delete(self);
  }
  // Node starts a Map with "Map(n) {"; keep the rest of its layout (line breaks, colors) as is.
  return printed.startsWith(kind) ? `${name}${printed.slice(kind.length)}` : `${name} ${printed}`;
}
