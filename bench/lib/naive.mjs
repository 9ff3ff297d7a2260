// The "physical limit" of a correct design: the straightforward structures one writes from raw
// Map / WeakMap / WeakRef / FinalizationRegistry, with the callbacks re-verifying their entry
// (so they lose no data), and nothing else. Our collections should cost no more than these.

/** WeakValueMap: Map<K, WeakRef<V>> + a registry that deletes the key only if its entry is dead. */
export class NaiveWeakValueMap {
  #map = new Map();
  /**
   * `new NaiveWeakValueMap(true)`: also follows API.md's order rule (setting a key whose value died
   * is an insertion: the entry goes last), which costs a deref of the old value on every set. A
   * floor row, not the naive baseline of the targets.
   */
  #ordered;
  constructor(ordered = false) {
    this.#ordered = ordered;
  }
  #registry = new FinalizationRegistry((key) => {
    const current = this.#map.get(key);
    if (current !== undefined && current.deref() === undefined) this.#map.delete(key);
  });

  get size() {
    return this.#map.size;
  }
  set(key, value) {
    if (this.#ordered) {
      const old = this.#map.get(key);
      if (old !== undefined && old.deref() === undefined) this.#map.delete(key);
    }
    this.#map.set(key, new WeakRef(value));
    this.#registry.register(value, key);
    return this;
  }
  get(key) {
    const r = this.#map.get(key);
    return r === undefined ? undefined : r.deref();
  }
  has(key) {
    const r = this.#map.get(key);
    return r !== undefined && r.deref() !== undefined;
  }
  delete(key) {
    const r = this.#map.get(key);
    if (r === undefined) return false;
    this.#map.delete(key);
    return r.deref() !== undefined;
  }
  *[Symbol.iterator]() {
    for (const [key, r] of this.#map) {
      const value = r.deref();
      if (value !== undefined) yield [key, value];
    }
  }
}

/**
 * IterableWeakMap: WeakMap key → entry (value stored under its key: ephemeron semantics) + a Set of
 * WeakRefs to the keys for iteration + a registry with an unregister token per entry.
 */
export class NaiveIterableWeakMap {
  #entries = new WeakMap();
  #refs = new Set();
  #registry = new FinalizationRegistry((r) => this.#refs.delete(r));

  get size() {
    return this.#refs.size;
  }
  set(key, value) {
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      entry.value = value;
      return this;
    }
    const r = new WeakRef(key);
    this.#entries.set(key, { ref: r, value });
    this.#refs.add(r);
    this.#registry.register(key, r, r);
    return this;
  }
  get(key) {
    const entry = this.#entries.get(key);
    return entry === undefined ? undefined : entry.value;
  }
  has(key) {
    return this.#entries.has(key);
  }
  delete(key) {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#entries.delete(key);
    this.#refs.delete(entry.ref);
    this.#registry.unregister(entry.ref);
    return true;
  }
  *[Symbol.iterator]() {
    for (const r of this.#refs) {
      const key = r.deref();
      if (key !== undefined) yield [key, this.#entries.get(key).value];
    }
  }
}

/** IterableWeakSet: WeakMap element → WeakRef + Set of those WeakRefs + a registry with tokens. */
export class NaiveIterableWeakSet {
  #refOf = new WeakMap();
  #refs = new Set();
  #registry = new FinalizationRegistry((r) => this.#refs.delete(r));

  get size() {
    return this.#refs.size;
  }
  add(value) {
    if (this.#refOf.has(value)) return this;
    const r = new WeakRef(value);
    this.#refOf.set(value, r);
    this.#refs.add(r);
    this.#registry.register(value, r, r);
    return this;
  }
  has(value) {
    return this.#refOf.has(value);
  }
  delete(value) {
    const r = this.#refOf.get(value);
    if (r === undefined) return false;
    this.#refOf.delete(value);
    this.#refs.delete(r);
    this.#registry.unregister(r);
    return true;
  }
  *[Symbol.iterator]() {
    for (const r of this.#refs) {
      const value = r.deref();
      if (value !== undefined) yield value;
    }
  }
}
