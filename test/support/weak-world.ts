/**
 * The objects a property-test program plays with, and the only place that holds them strongly.
 *
 * fast-check generates slot numbers, never objects, so nothing in its memory (shrinking included)
 * keeps a target alive. A slot holds one object at a time; using an empty slot creates a fresh
 * object with a fresh id, and "drop" empties the slot. A dropped object is then in one of two states
 * that the harness must tell apart exactly: still alive (the engine has not collected it, so every
 * collection must still show it) or dead (every collection must hide it at once).
 *
 * Exactness comes from V8's KeepDuringJob rule (ENGINE-NOTES §1): `new WeakRef(o)` and a `deref()`
 * that returns `o` keep `o` alive until the current job ends. So at the start of every job (after
 * each `await` of the program runner) {@link World.pin} derefs every dropped object once: the ones
 * that answer are alive for the whole job, for us and for the collection alike; the ones that do not
 * are dead for ever. An object dropped during a job is dereferenced as it is dropped, so it, too,
 * stays alive until the job ends. No deref happens in the job that forces a GC, because `collect()`
 * and the runner's own GC step both start with a macrotask hop.
 */

export type Target = object | symbol;

/** A harness object; `id` also prints in failure messages. */
export class Obj {
  constructor(readonly id: number) {}
}

export class World {
  /** The strong references: slot → object. The ONLY strong references the harness keeps. */
  readonly #slots: (Target | undefined)[];
  readonly #ids = new WeakMap<Target, number>();
  readonly #refs = new Map<number, WeakRef<Target>>();
  readonly #held = new Set<number>();
  /** Dropped objects not yet seen dead. */
  readonly #dropped = new Set<number>();
  /** Dropped objects known alive during the current job. */
  readonly #pinned = new Set<number>();
  readonly #filled: number[] = [];
  #nextId = 1;

  constructor(slots: number) {
    this.#slots = new Array<Target | undefined>(slots).fill(undefined);
  }

  get slotCount(): number {
    return this.#slots.length;
  }

  /** The object in slot `s`, created (object, function or symbol, by id) if the slot is empty. */
  slot(s: number): Target {
    const existing = this.#slots[s];
    if (existing !== undefined) return existing;
    const id = this.#nextId++;
    const flavor = id % 3;
    const made: Target =
      flavor === 0 ? new Obj(id) : flavor === 1 ? Object.assign(() => id, { id }) : Symbol(`#${id}`);
    this.#slots[s] = made;
    this.#ids.set(made, id);
    this.#refs.set(id, new WeakRef(made));
    this.#held.add(id);
    return made;
  }

  /**
   * Adds `n` slots past the generated ones, each with a fresh object: bulk entries, so that a
   * collection grows past the size where it starts sweeping on its own. Returns the new slots.
   */
  fill(n: number): number[] {
    const first = this.#slots.length;
    const added: number[] = [];
    for (let i = 0; i < n; i++) {
      this.#slots.push(undefined);
      this.slot(first + i);
      added.push(first + i);
    }
    this.#filled.push(...added);
    return added;
  }

  /** Every slot {@link fill} ever added, in order. */
  filledSlots(): readonly number[] {
    return this.#filled;
  }

  /** The objects currently held, slot order (empty slots skipped; nothing is created). */
  heldObjects(): Target[] {
    return this.#slots.filter((t): t is Target => t !== undefined);
  }

  /** Drops slot `s` (no-op when empty); returns the dropped id. */
  drop(s: number): number | undefined {
    const t = this.#slots[s];
    if (t === undefined) return undefined;
    const id = this.#ids.get(t)!;
    // Pin it for the rest of this job, so that "dropped during a job" means "alive until it ends".
    if (this.#refs.get(id)!.deref() === undefined) throw new Error(`harness: held #${id} was dead`);
    this.#slots[s] = undefined;
    this.#held.delete(id);
    this.#dropped.add(id);
    this.#pinned.add(id);
    return id;
  }

  /** The harness id of a value, or undefined for anything the harness did not make. */
  idOf(value: unknown): number | undefined {
    if ((typeof value !== 'object' || value === null) && typeof value !== 'function' && typeof value !== 'symbol') {
      return undefined;
    }
    try {
      return this.#ids.get(value as Target);
    } catch {
      return undefined; // a registered symbol cannot be a WeakMap key
    }
  }

  isHeld(id: number): boolean {
    return this.#held.has(id);
  }

  /** Held, or dropped but still alive in this job (see {@link pin}). */
  isLive(id: number): boolean {
    return this.#held.has(id) || this.#pinned.has(id);
  }

  /** Call first thing in every job: fixes which dropped objects are alive until the job ends. */
  pin(): void {
    this.#pinned.clear();
    for (const id of this.#dropped) {
      if (this.#refs.get(id)!.deref() === undefined) {
        this.#dropped.delete(id);
        this.#refs.delete(id);
      } else {
        this.#pinned.add(id);
      }
    }
  }

  /** Dropped objects still alive (call {@link pin} first); after `await collect()` this must be empty. */
  survivors(): number[] {
    return [...this.#pinned];
  }

  /** The live object of a dropped id (for diagnostics only: dereferencing keeps it for this job). */
  revive(id: number): Target | undefined {
    return this.#refs.get(id)?.deref();
  }
}

/** Tracks objects the harness made but never holds (map values), to find leaks after a collection. */
export class Tracked {
  readonly #refs = new Map<number, WeakRef<object>>();

  add(serial: number, value: object): void {
    this.#refs.set(serial, new WeakRef(value));
  }

  /** Serials still alive; the dead ones are forgotten. Dereferences: only after a collection. */
  alive(): number[] {
    const out: number[] = [];
    for (const [serial, ref] of this.#refs) {
      if (ref.deref() === undefined) this.#refs.delete(serial);
      else out.push(serial);
    }
    return out;
  }
}
