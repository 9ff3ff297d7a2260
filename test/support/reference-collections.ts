/**
 * Deliberately simple stand-ins for the three collections, used only to check the property harness
 * itself: the correct versions must pass, and each seeded bug ("mutant") must be caught. `size`
 * counts live entries on every call; they are no part of the library.
 */
import type { Target } from './weak-world.js';

/** Bugs the harness must catch; each mirrors a failure seen in a peer (ENGINE-NOTES §2). */
export type Mutant =
  | 'none'
  | 'set-over-dead-keeps-position' // API.md: a dead entry's key re-set is an insertion
  | 'popitem-oldest' // popItem must return the newest live entry
  | 'values-skip-no-liveness' // values() yields the value of a dead key
  | 'value-holds-key' // strong key in the value record: ephemeron leak (iterable-weak, CPython)
  | 'late-cleanup-deletes-new' // denostack/weakref#1: a cleanup deletes whatever the key maps to now
  | 'size-counts-dead' // size never drops
  | 'delete-truthy' // weakref@0.2.5: delete tests the value's truthiness
  | 'iterator-holds-key'; // a suspended generator keeps its current key alive (API.md: it must not)

/**
 * An iterator over `source` that yields `step(item).v` and skips items where `step` gives
 * undefined. Unlike a generator, it keeps no yielded key in a suspended frame.
 */
function liveIterator<X, T>(source: Iterator<X>, step: (x: X) => { v: T } | undefined): IterableIterator<T> {
  return {
    next(): IteratorResult<T> {
      for (;;) {
        const r = source.next();
        if (r.done === true) return { done: true, value: undefined };
        const out = step(r.value);
        if (out !== undefined) return { done: false, value: out.v };
      }
    },
    [Symbol.iterator]() {
      return this;
    },
  };
}

function assertWeak(v: unknown): void {
  const ok =
    (typeof v === 'object' && v !== null) ||
    typeof v === 'function' ||
    (typeof v === 'symbol' && Symbol.keyFor(v) === undefined);
  if (!ok) {
    const kind = v === null ? 'null' : typeof v === 'symbol' ? 'registered symbol' : typeof v;
    throw new TypeError(`cannot create weak reference to '${kind}' value`);
  }
}

/** Map-like plumbing shared by the two maps: iteration, forEach, the ES2026 and Python extras. */
abstract class BaseMap<K, V> {
  abstract entries(): IterableIterator<[K, V]>;
  abstract get(key: K): V | undefined;
  abstract has(key: K): boolean;
  abstract set(key: K, value: V): this;
  abstract delete(key: K): boolean;
  abstract validate(key: K, value: V): void;
  abstract popItem(): [K, V] | undefined;
  readonly [Symbol.toStringTag]: string = 'WeakCollection';
  keys(): IterableIterator<K> {
    return liveIterator(this.entries(), ([k]) => ({ v: k }));
  }
  values(): IterableIterator<V> {
    return liveIterator(this.entries(), ([, v]) => ({ v }));
  }
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
  forEach(cb: (value: V, key: K, map: this) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this);
  }
  setDefault(key: K, value: V): V {
    return this.getOrInsert(key, value);
  }
  getOrInsert(key: K, value: V): V {
    if (this.has(key)) return this.get(key) as V;
    this.set(key, value);
    return value;
  }
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    if (this.has(key)) return this.get(key) as V;
    const value = compute(key);
    this.set(key, value);
    return value;
  }
  pop(key: K, ...fallback: unknown[]): unknown {
    if (!this.has(key)) return fallback[0];
    const value = this.get(key);
    this.delete(key);
    return value;
  }
  update(entries: Iterable<readonly [K, V]>): this {
    const list = [...entries];
    for (const [k, v] of list) this.validate(k, v);
    for (const [k, v] of list) this.set(k, v);
    return this;
  }
  copy(): this {
    const Ctor = this.constructor as new (entries: Iterable<readonly [K, V]>) => this;
    return new Ctor(this.entries());
  }
}

interface KeyRecord<V> {
  serial: number;
  value: V;
  key?: unknown;
}

export function referenceIterableWeakMap(bug: Mutant) {
  return class IterableWeakMap<K extends Target, V> extends BaseMap<K, V> {
    #records = new WeakMap<K, KeyRecord<V>>();
    #order = new Map<number, WeakRef<K>>();
    #serial = 0;
    constructor(entries?: Iterable<readonly [K, V]> | null) {
      super();
      if (entries != null) this.update(entries);
    }
    validate(key: K): void {
      assertWeak(key);
    }
    get size(): number {
      let n = 0;
      for (const [serial, ref] of this.#order) {
        const k = ref.deref();
        if (k === undefined) {
          if (bug !== 'size-counts-dead') this.#order.delete(serial);
          else n++;
        } else n++;
      }
      return n;
    }
    get(key: K): V | undefined {
      return this.#records.get(key)?.value;
    }
    has(key: K): boolean {
      return this.#records.has(key);
    }
    set(key: K, value: V): this {
      assertWeak(key);
      const rec = this.#records.get(key);
      if (rec !== undefined) rec.value = value;
      else {
        const serial = ++this.#serial;
        this.#records.set(key, bug === 'value-holds-key' ? { serial, value, key } : { serial, value });
        this.#order.set(serial, new WeakRef(key));
      }
      if (bug === 'value-holds-key') leaks.add(this.#records.get(key)!);
      return this;
    }
    delete(key: K): boolean {
      const rec = this.#records.get(key);
      if (rec === undefined || (bug === 'delete-truthy' && !rec.value)) return false;
      this.#order.delete(rec.serial);
      return this.#records.delete(key);
    }
    clear(): void {
      this.#order.clear();
      this.#records = new WeakMap();
    }
    entries(): IterableIterator<[K, V]> {
      const step = ([serial, ref]: [number, WeakRef<K>]): { v: [K, V] } | undefined => {
        const k = ref.deref();
        const rec = k === undefined ? undefined : this.#records.get(k);
        return rec !== undefined && rec.serial === serial ? { v: [k!, rec.value] } : undefined;
      };
      if (bug !== 'iterator-holds-key') return liveIterator(this.#order.entries(), step);
      return (function* (order) {
        for (const x of order) {
          const out = step(x);
          if (out !== undefined) yield out.v;
        }
      })(this.#order);
    }
    popItem(): [K, V] | undefined {
      const order = [...this.#order];
      if (bug !== 'popitem-oldest') order.reverse();
      for (const [, ref] of order) {
        const k = ref.deref();
        if (k === undefined) continue;
        const value = this.get(k) as V;
        this.delete(k);
        return [k, value];
      }
      return undefined;
    }
    keyRefs(): Array<WeakRef<K>> {
      return [...this.keys()].map((k) => new WeakRef(k));
    }
  };
}

/** Where 'value-holds-key' leaks its records: a strong, global home, as a leaky library has. */
const leaks = new Set<object>();

export function referenceWeakValueMap(bug: Mutant) {
  const registry = new FinalizationRegistry<{ map: Map<unknown, WeakRef<Target>>; key: unknown; ref: WeakRef<Target> }>(
    ({ map, key, ref }) => {
      if (bug === 'late-cleanup-deletes-new' || map.get(key) === ref) map.delete(key);
    },
  );
  return class WeakValueMap<K, V extends Target> extends BaseMap<K, V> {
    #map = new Map<K, WeakRef<V>>();
    constructor(entries?: Iterable<readonly [K, V]> | null) {
      super();
      if (entries != null) this.update(entries);
    }
    validate(_key: K, value: V): void {
      assertWeak(value);
    }
    get size(): number {
      if (bug === 'size-counts-dead') return this.#map.size;
      let n = 0;
      for (const [k, ref] of this.#map) {
        if (ref.deref() === undefined) this.#map.delete(k);
        else n++;
      }
      return n;
    }
    get(key: K): V | undefined {
      return this.#map.get(key)?.deref();
    }
    has(key: K): boolean {
      return this.get(key) !== undefined;
    }
    set(key: K, value: V): this {
      assertWeak(value);
      const old = this.#map.get(key);
      if (old !== undefined && old.deref() === undefined && bug !== 'set-over-dead-keeps-position') this.#map.delete(key);
      const ref = new WeakRef(value);
      this.#map.set(key, ref);
      registry.register(value, { map: this.#map as Map<unknown, WeakRef<Target>>, key, ref });
      return this;
    }
    delete(key: K): boolean {
      const had = this.has(key);
      this.#map.delete(key);
      return had;
    }
    clear(): void {
      this.#map.clear();
    }
    entries(): IterableIterator<[K, V]> {
      return liveIterator(this.#map.entries(), ([k, ref]) => {
        const v = ref.deref();
        return v === undefined ? undefined : { v: [k, v] };
      });
    }
    override values(): IterableIterator<V> {
      if (bug !== 'values-skip-no-liveness') return super.values();
      return liveIterator(this.#map.values(), (ref) => ({ v: ref.deref() as V }));
    }
    popItem(): [K, V] | undefined {
      const order = [...this.#map];
      if (bug !== 'popitem-oldest') order.reverse();
      for (const [k, ref] of order) {
        const v = ref.deref();
        if (v === undefined) continue;
        this.#map.delete(k);
        return [k, v];
      }
      return undefined;
    }
    valueRefs(): Array<WeakRef<V> & { key: K }> {
      return [...this.entries()].map(([key, v]) => Object.assign(new WeakRef(v), { key }));
    }
  };
}

export function referenceIterableWeakSet(bug: Mutant) {
  const Base = referenceIterableWeakMap(bug);
  return class IterableWeakSet<T extends Target> {
    #map = new Base<T, true>();
    readonly [Symbol.toStringTag] = 'IterableWeakSet';
    constructor(values?: Iterable<T> | null) {
      if (values != null) this.update(values);
    }
    get size(): number {
      return this.#map.size;
    }
    has(v: T): boolean {
      return this.#map.has(v);
    }
    add(v: T): this {
      this.#map.set(v, true);
      return this;
    }
    delete(v: T): boolean {
      return this.#map.delete(v);
    }
    clear(): void {
      this.#map.clear();
    }
    values(): IterableIterator<T> {
      return this.#map.keys();
    }
    keys(): IterableIterator<T> {
      return this.#map.keys();
    }
    entries(): IterableIterator<[T, T]> {
      return liveIterator(this.#map.keys(), (v) => ({ v: [v, v] as [T, T] }));
    }
    [Symbol.iterator](): IterableIterator<T> {
      return this.#map.keys();
    }
    forEach(cb: (v: T, v2: T, set: this) => void, thisArg?: unknown): void {
      for (const v of this.#map.keys()) cb.call(thisArg, v, v, this);
    }
    pop(): T | undefined {
      return this.#map.popItem()?.[0];
    }
    update(values: Iterable<T>): this {
      this.#map.update([...values].map((v) => [v, true] as const));
      return this;
    }
    copy(): IterableWeakSet<T> {
      return new IterableWeakSet(this);
    }
    #from(values: Iterable<T>): IterableWeakSet<T> {
      return new IterableWeakSet(values);
    }
    union(other: Iterable<T>): IterableWeakSet<T> {
      return this.#from([...this, ...other]);
    }
    intersection(other: Iterable<T>): IterableWeakSet<T> {
      const o = new Set(other);
      return this.#from([...this].filter((v) => o.has(v)));
    }
    difference(other: Iterable<T>): IterableWeakSet<T> {
      const o = new Set(other);
      return this.#from([...this].filter((v) => !o.has(v)));
    }
    symmetricDifference(other: Iterable<T>): IterableWeakSet<T> {
      const o = new Set(other);
      return this.#from([...[...this].filter((v) => !o.has(v)), ...[...o].filter((v) => !this.has(v))]);
    }
    isSubsetOf(other: Iterable<T>): boolean {
      const o = new Set(other);
      return [...this].every((v) => o.has(v));
    }
    isSupersetOf(other: Iterable<T>): boolean {
      return [...other].every((v) => this.has(v));
    }
    isDisjointFrom(other: Iterable<T>): boolean {
      return [...other].every((v) => !this.has(v));
    }
  };
}
