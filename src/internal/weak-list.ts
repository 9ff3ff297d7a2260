import { assertWeakTarget, kindOf, type WeakTarget } from './holdable.js';
import { gcEpoch, noteCleanup, trackSweepable, type Sweepable } from './registry.js';

/*
 * The one ordered store behind IterableWeakMap, WeakValueMap and IterableWeakSet: an array of
 * nodes in insertion order, whose nodes ARE the WeakRefs to the weak side of each entry. A removed
 * entry leaves an empty slot; the array is compacted when empty slots outnumber the live ones.
 *
 * Why an array and not a linked list of nodes (our first design): V8 promotes young objects in the
 * order it finds them, and IterableWeakMap/IterableWeakSet find their nodes through a WeakMap, in
 * hash order. A list walk then chases pointers across the heap, one cache miss after the other
 * (1M members, Node 20: 217 ns per step against 129 for a Set of WeakRefs). The loads of an array
 * walk do not depend on each other, so the CPU overlaps the misses. Measure with
 * `node --expose-gc bench/child/ops.mjs --cat iws --n 1000000 --mode chunked`.
 *
 * Why not a Map/Set of WeakRefs: `popItem()` must return the newest live entry, and Map/Set cannot
 * be walked backwards (a drain loop would be O(n^2)).
 *
 * Why no FinalizationRegistry cell per entry: a cell costs 72 bytes, more than the rest of an
 * entry. The list sweeps lazily against the library's GC epoch instead. Nothing is ever deleted
 * asynchronously, and a sweep drops only a node whose own WeakRef is empty at that moment, so a
 * late cleanup can never undo an overwrite or a re-insertion (the peer bugs in ENGINE-NOTES §2).
 *
 * Iteration under mutation follows Map, and works the way V8's own OrderedHashTable does: an
 * iterator holds a position in a *layout* of the array. Appends go to the end and replacements take
 * the slot of the node they replace, so a position stays meaningful until a compaction or a
 * `clear()` retires the layout. A retired layout records which positions were empty (or that it was
 * cleared) and links to its successor; an iterator standing in it moves its position down by the
 * empty slots before it, layout by layout, when it next steps. An iterator holds neither nodes nor
 * targets, only a layout and a number: an unfinished iterator keeps no entry alive.
 *
 * What an abandoned, unfinished iterator does keep is the chain of layouts retired after it, 4 bytes
 * per empty slot each (none for a cut-off prefix). V8's Map and Set iterators keep their chain of
 * obsolete tables the same way, and much more of it: 1,000 members deleted and re-added 20,000 times
 * under one abandoned iterator retain 0.9 MiB here and 1,182 MiB for a Set (Node 20:
 * `node --expose-gc bench/abandoned-iterator.mjs`; 21 MiB here while deletes still compacted).
 */

/** An entry's weak side, stored in its list's array. */
export class WeakNode<T extends WeakTarget> extends WeakRef<T> {
  /** The node's place in its list: its slot plus the list's base (stale once the node is removed). */
  index = 0;
}

/**
 * A node that also carries its entry's key (WeakValueMap: the key is strong, the value weak). It
 * extends WeakRef itself rather than WeakNode: one constructor fewer on every `set`.
 */
export class KeyedNode<K, T extends WeakTarget> extends WeakRef<T> {
  index = 0;
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
  /**
   * Makes the index hold exactly the nodes of `slots` (the list's array, in order; empty slots are
   * undefined), after a sweep dropped many without `delete`.
   */
  rebuild(slots: readonly (N | undefined)[]): void;
}

/**
 * A sweep that dropped more than this many nodes, and more dead than live, rebuilds the index from
 * the survivors instead of deleting the dead one by one: a mass death then costs one index store per
 * survivor instead of one delete per dead entry.
 */
const REBUILD_MIN = 1024;

/** Below this many entries an insert never triggers a sweep. */
const SWEEP_MIN = 64;

/** Below this many empty slots the array is never compacted (a small churning set stays put). */
const COMPACT_MIN = 32;

/** Past this base a compaction renumbers the nodes, so that `node.index` stays a small integer. */
const MAX_BASE = 2 ** 29;

/**
 * One arrangement of a list's array. Live while it is the list's current layout; retired by a
 * compaction or a clear, after which it only tells iterators standing in it where to go.
 */
class Layout {
  /** The layout that replaced this one; undefined while this one is current. */
  successor: Layout | undefined = undefined;
  /** Of a retired layout: every position below this one was empty (the prefix cut off). */
  lead = 0;
  /** Of a retired layout: its other empty positions, ascending; undefined if it was cleared. */
  holes: Int32Array | undefined = undefined;
}

const NO_HOLES = new Int32Array(0);

/** Where iteration stands: a layout, the next position to look at in it, and the node last found. */
export interface Cursor<N> {
  layout: Layout;
  at: number;
  node: N | undefined;
}

/**
 * The ordered array plus its lazy sweeping. It is the collection's sweeper: `trackSweepable` holds
 * it weakly, the collection holds it in a #field, so it lives exactly as long as the collection.
 */
export class WeakList<N extends WeakNode<WeakTarget>> implements Sweepable {
  /** The nodes in order; removed ones leave `undefined`. */
  #slots: Array<N | undefined> = [];
  /**
   * A node's slot is `node.index - #base`. Cutting off a prefix of empty slots raises the base
   * instead of renumbering the nodes, which would touch every one of them.
   */
  #base = 0;
  #layout = new Layout();
  /** How many slots hold a node (live, or dead and not yet swept). */
  #count = 0;
  /** No slot after this one holds a node: where `popLive` starts looking (keeps drains O(n)). */
  #last = -1;
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

  /** A cursor before the first node. Compacts first if removals left the array sparse. */
  start(): Cursor<N> {
    this.#compactIfSparse();
    return { layout: this.#layout, at: 0, node: undefined };
  }

  /**
   * Moves `cursor` past the next node whose target is alive and returns that target, dropping dead
   * nodes it passes; `cursor.node` is then that node. Returns undefined (and the cursor stays at
   * the end, where later appends will be found) when no live node is left.
   */
  step(cursor: Cursor<N>): WeakTarget | undefined {
    for (;;) {
      let layout = cursor.layout;
      let at = cursor.at;
      while (layout.successor !== undefined) {
        const holes = layout.holes;
        at = holes === undefined ? 0 : at - Math.min(at, layout.lead) - countBelow(holes, at);
        layout = layout.successor;
        cursor.layout = layout;
      }
      const slots = this.#slots;
      let node: N | undefined;
      do {
        if (at >= slots.length) {
          cursor.at = at;
          return undefined;
        }
        node = slots[at++];
      } while (node === undefined);
      cursor.at = at;
      const target = node.deref();
      if (target !== undefined) {
        cursor.node = node;
        return target;
      }
      this.drop(node);
    }
  }

  /** Adds `node` last. May sweep other, dead nodes first, or compact (amortized over inserts). */
  append(node: N): void {
    this.#compactIfSparse();
    if (this.#count >= this.#sweepAt) {
      // Bounds what dead entries hold (a WeakValueMap's keys) without a registry cell per entry.
      if (this.#sweptEpoch !== gcEpoch()) this.sweep();
      this.#sweepAt = Math.max(SWEEP_MIN, 2 * this.#count);
    }
    const slots = this.#slots;
    node.index = this.#base + slots.length;
    this.#last = slots.length;
    slots.push(node);
    this.#count++;
  }

  /**
   * Takes `node` out of the order; iterators that have not reached it will not see it.
   *
   * It never compacts: the next append, iteration or sweep does. Compacting inside a run of
   * deletes cost in-order deletes at 100k about 100 ns each in the bench process (chunked: 446 and
   * 380 ns against 350 and 282 deferred, naive 395 and 271), ten times what the compactions' own
   * code took there; what the rest is, we did not find. A list emptied by deletes alone keeps its
   * array of empty slots (4 bytes each, no nodes) until then, as a CPython dict keeps its table.
   */
  unlink(node: N): void {
    const slots = this.#slots;
    const at = node.index - this.#base;
    // A node that is not in its slot was removed already: removing it twice must not miscount.
    if (at < 0 || slots[at] !== node) return;
    slots[at] = undefined;
    this.#count--;
  }

  /** Puts `node` in the slot of `old` (an overwrite keeps its position). */
  replace(old: N, node: N): void {
    node.index = old.index;
    this.#slots[old.index - this.#base] = node;
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
    this.#retire(0, undefined);
    this.#slots = [];
    this.#base = 0;
    this.#count = 0;
    this.#last = -1;
    this.#sweepAt = SWEEP_MIN;
  }

  /**
   * Compacts once empty slots reach COMPACT_MIN and outnumber the nodes (amortized O(1) per removal,
   * since each empty slot was made by one).
   *
   * A queue-like use (delete or pop the oldest entries, as a FIFO cache does) empties a prefix of
   * the array: cutting that prefix off copies slots but touches no node. Only when the empty slots
   * after the prefix are many are the nodes renumbered: in-order deletes at 100k spent about 27 ns
   * each renumbering nodes (`node --expose-gc bench/child/ops.mjs --cat wvm --n 100000`).
   */
  #compactIfSparse(): void {
    const count = this.#count;
    const empty = this.#slots.length - count;
    if (empty < COMPACT_MIN || empty <= count) return;
    const slots = this.#slots;
    let lead = 0;
    while (lead < slots.length && slots[lead] === undefined) lead++;
    // A cut leaves at most count/2 empty slots, so the next compaction is count/4 removals away:
    // the copies stay O(1) per removal.
    if (2 * (empty - lead) <= count && this.#base + lead < MAX_BASE) this.#cut(lead);
    else this.#compact();
  }

  /** Drops the first `lead` slots, all empty, into a new layout; the nodes keep their numbers. */
  #cut(lead: number): void {
    this.#retire(lead, NO_HOLES);
    const slots = this.#slots;
    const kept = slots.length - lead;
    for (let i = 0; i < kept; i++) slots[i] = slots[i + lead];
    slots.length = kept;
    this.#base += lead;
    this.#last = Math.max(-1, this.#last - lead);
  }

  /** Moves the nodes together, in order, into a new layout. */
  #compact(): void {
    const slots = this.#slots;
    const holes = new Int32Array(slots.length - this.#count);
    let h = 0;
    let kept = 0;
    for (let i = 0; i < slots.length; i++) {
      const node = slots[i];
      if (node === undefined) {
        holes[h++] = i;
      } else {
        node.index = kept;
        slots[kept++] = node;
      }
    }
    slots.length = kept;
    this.#retire(0, holes);
    this.#base = 0;
    this.#last = kept - 1;
  }

  /**
   * Ends the current layout; iterators in it skip its first `lead` positions and `holes`, or start
   * over if it was cleared (`holes` undefined).
   */
  #retire(lead: number, holes: Int32Array | undefined): void {
    const next = new Layout();
    this.#layout.lead = lead;
    this.#layout.holes = holes;
    this.#layout.successor = next;
    this.#layout = next;
  }

  /** Drops every node whose target is gone; returns how many. */
  sweep(): number {
    this.#sweptEpoch = gcEpoch();
    const index = this.#index;
    // With an index, the dead nodes are kept aside until the end, when the cheaper way to fix the
    // index is known: one delete per dead node, or one store per survivor.
    const dead: N[] | undefined = index === undefined ? undefined : [];
    const slots = this.#slots;
    let dropped = 0;
    for (let i = 0; i < slots.length; i++) {
      const node = slots[i];
      if (node !== undefined && node.deref() === undefined) {
        slots[i] = undefined;
        dead?.push(node);
        dropped++;
      }
    }
    if (dropped > 0) {
      this.#count -= dropped;
      this.#compactIfSparse();
    }
    if (index !== undefined && dropped > 0) {
      let released = false;
      if (dropped > REBUILD_MIN && dropped > this.#count) {
        for (let i = 0; i < dropped && !released; i++) released = index.releases(dead![i]!);
        // More dead than live compacted the array above: it holds the survivors and few empty slots.
        index.rebuild(this.#slots);
      } else {
        for (const gone of dead!) released = this.#unindex(gone) || released;
      }
      if (released) noteCleanup();
    }
    this.#sweepAt = Math.max(SWEEP_MIN, 2 * this.#count);
    return dropped;
  }

  /**
   * The newest node whose target is alive, with that target (the caller removes it), dropping dead
   * nodes it passes; undefined when there is none.
   */
  popLive(): [N, WeakTarget] | undefined {
    for (;;) {
      const last = this.#last;
      if (last < 0) return undefined;
      const node = this.#slots[last];
      if (node === undefined) {
        this.#last = last - 1;
        continue;
      }
      const target = node.deref();
      if (target !== undefined) return [node, target];
      this.drop(node);
    }
  }
}

/** How many of the ascending `holes` are below `at`. */
function countBelow(holes: Int32Array, at: number): number {
  let lo = 0;
  let hi = holes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holes[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---- Iteration ----------------------------------------------------------------------------------

/** %IteratorPrototype%: inheriting it gives our iterators the engine's iterator helpers where they exist. */
const IteratorPrototype: object = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

/**
 * An iterator over the live nodes of a list, in order, that tolerates any mutation in between
 * (see the file comment). It holds a layout and a position, never a node: an unfinished iterator
 * keeps no entry alive.
 */
export class WeakListIterator<N extends WeakNode<WeakTarget>, R> {
  #list: WeakList<N> | undefined;
  readonly #cursor: Cursor<N>;
  readonly #project: (node: N, target: WeakTarget) => R;
  readonly #tag: string;

  constructor(list: WeakList<N>, project: (node: N, target: WeakTarget) => R, tag: string) {
    this.#list = list;
    this.#cursor = list.start();
    this.#project = project;
    this.#tag = tag;
  }

  next(): IteratorResult<R, undefined> {
    const list = this.#list;
    if (list !== undefined) {
      const cursor = this.#cursor;
      const target = list.step(cursor);
      if (target !== undefined) {
        const node = cursor.node!;
        cursor.node = undefined;
        return { value: this.#project(node, target), done: false };
      }
      // Like a Map iterator, a finished iterator stays finished.
      this.#list = undefined;
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

/**
 * Calls `visit(node, target)` for every live node in order, dropping dead ones it passes, with the
 * same tolerance of mutation as the iterators (the callback may change the collection).
 */
export function forEachLive<N extends WeakNode<WeakTarget>>(list: WeakList<N>, visit: (node: N, target: WeakTarget) => void): void {
  const cursor = list.start();
  for (let target = list.step(cursor); target !== undefined; target = list.step(cursor)) visit(cursor.node!, target);
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
