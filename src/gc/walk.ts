import type { HeapGraph } from './heap.js';

/*
 * Which edges of a snapshot hold something alive, and which nodes count as roots.
 *
 * Never followed: weak edges (WeakRef targets, WeakMap/WeakSet table slots, FinalizationRegistry
 * cells), the diagnostic's own frame and temporary handles ("(Stack roots)", "(Handle scope)"), its
 * probe object, V8's KeepDuringJob set (a WeakRef's doing, released at the end of the job), and the
 * WeakMap table's copy of each ephemeron edge: a WeakMap value lives because its KEY lives, so it
 * is reached through the key's "part of key ... pair in WeakMap" edge only.
 */

/** Engine bookkeeping that every object has and that never explains a leak (hidden classes, code). */
const META_EDGES = new Set([
  'map',
  '__proto__',
  'constructor',
  'prototype',
  'shared',
  'code',
  'feedback_cell',
  'feedback_vector',
  'scope_info',
  'script',
  'initial_map',
  'back_pointer',
  'prototype_or_initial_map',
  'native_context',
  'global_proxy',
  'security_token',
  'descriptors',
  'transition',
  'transitions',
  'raw_transitions',
  'dependent_code',
  'prototype_info',
  'constructor_or_back_pointer',
  'constructor_or_back_pointer_or_native_context',
  'function_data',
  'deoptimization_data',
  'source_position_table',
  'bytecode',
]);

export const enum Rank {
  /** The global object, a module's or a script's top-level variables. */
  User = 0,
  /** An engine or embedder root (global handles, Node's environment, compilation cache...). */
  Engine = 1,
}

export class Walker {
  readonly g: HeapGraph;
  /** 1: a root category (a child of the snapshot root or of "(GC roots)"); 2: excluded root. */
  readonly #rootKind: Uint8Array;
  readonly #globals = new Set<number>();
  /** String indexes of scope names: "system / Context" (V8 11), "system / Context / scope @id" (V8 15). */
  readonly #contextNames = new Set<number>();
  readonly #moduleName: number;
  readonly #scriptTableName: number;
  readonly #cellName: number;
  readonly #weakType: number;
  readonly #syntheticType: number;
  readonly #codeType: number;
  readonly #shapeType: number;

  constructor(g: HeapGraph) {
    this.g = g;
    this.#rootKind = new Uint8Array(g.nodeCount);
    g.strings.forEach((name, index) => {
      if (name === 'system / Context' || name.startsWith('system / Context / ')) this.#contextNames.add(index);
    });
    this.#moduleName = g.strings.indexOf('system / SourceTextModule');
    this.#scriptTableName = g.strings.indexOf('system / ScriptContextTable');
    this.#cellName = g.strings.indexOf('system / Cell');
    this.#weakType = g.edgeTypes.indexOf('weak');
    this.#syntheticType = g.nodeTypes.indexOf('synthetic');
    this.#codeType = g.nodeTypes.indexOf('code');
    this.#shapeType = g.nodeTypes.indexOf('object shape');
    const [first, end] = g.outEdges(0);
    for (let e = first; e < end; e++) {
      const child = g.edgeTo(e);
      if (g.edgeType(e) === 'shortcut') this.#globals.add(child);
      else this.#markCategory(child);
      if (g.nodeName(child) === '(GC roots)') {
        const [f2, e2] = g.outEdges(child);
        for (let k = f2; k < e2; k++) this.#markCategory(g.edgeTo(k));
      }
    }
    this.#findGlobals();
  }

  /** Each realm's global object, as its NativeContext names it (newer V8 has no root shortcut to it). */
  #findGlobals(): void {
    const g = this.g;
    const native = g.strings.indexOf('system / NativeContext');
    if (native < 0) return;
    for (let i = 0; i < g.nodeCount; i++) {
      if (g.nodes[i * g.nodeFields + 1] !== native) continue;
      const [first, end] = g.outEdges(i);
      for (let e = first; e < end; e++) {
        const name = g.edgeName(e);
        if (name === 'global_object' || (name === 'extension' && g.nodeType(g.edgeTo(e)) === 'object')) this.#globals.add(g.edgeTo(e));
      }
    }
  }

  #markCategory(node: number): void {
    const name = this.g.nodeName(node);
    this.#rootKind[node] = name === '(Stack roots)' || name === '(Handle scope)' ? 2 : name === '(GC roots)' ? 0 : 1;
  }

  isGlobal(node: number): boolean {
    return this.#globals.has(node);
  }
  isRootCategory(node: number): boolean {
    return this.#rootKind[node] === 1;
  }
  isContext(node: number): boolean {
    return this.#contextNames.has(this.g.nodes[node * this.g.nodeFields + 1]!);
  }
  /** A module's top-level scope: a Context whose extension is the SourceTextModule. */
  isModuleContext(node: number): boolean {
    if (!this.isContext(node) || this.#moduleName < 0) return false;
    const e = this.g.findEdge(node, 'extension');
    return e >= 0 && this.g.nodes[this.g.edgeTo(e) * this.g.nodeFields + 1] === this.#moduleName;
  }
  /** A classic script's top-level `let`/`const`/`class` scope, listed in the ScriptContextTable. */
  isScriptContext(node: number): boolean {
    if (!this.isContext(node) || this.#scriptTableName < 0) return false;
    for (const e of this.g.inEdges(node)) {
      if (this.g.nodes[this.g.edgeFrom(e) * this.g.nodeFields + 1] === this.#scriptTableName) return true;
    }
    return false;
  }

  /**
   * The name of the exported binding a Cell holds, or undefined. Exported module variables live in
   * Cells, not in the module's Context; the module's `exports` table (its first field) maps each
   * export name (a string slot) to its Cell (the next slot).
   */
  moduleExportName(node: number): string | undefined {
    const g = this.g;
    if (this.#cellName < 0 || g.nodes[node * g.nodeFields + 1] !== this.#cellName) return undefined;
    for (const e of g.inEdges(node)) {
      const table = g.edgeFrom(e);
      const slot = Number(g.edgeName(e));
      if (!Number.isInteger(slot) || slot < 1) continue;
      const heldByModule = [...g.inEdges(table)].some(
        (up) => g.edgeType(up) === 'hidden' && g.edgeName(up) === '0' && g.nodes[g.edgeFrom(up) * g.nodeFields + 1] === this.#moduleName,
      );
      if (!heldByModule) continue;
      const keyEdge = g.findEdge(table, String(slot - 1));
      if (keyEdge >= 0 && g.nodeType(g.edgeTo(keyEdge)).includes('string')) return g.nodeName(g.edgeTo(keyEdge));
    }
    return undefined;
  }

  /** A node where a retainer path may start, or undefined. */
  rootRank(node: number): Rank | undefined {
    if (this.isGlobal(node) || this.isModuleContext(node) || this.isScriptContext(node)) return Rank.User;
    if (this.moduleExportName(node) !== undefined) return Rank.User;
    if (this.isRootCategory(node)) return Rank.Engine;
    return undefined;
  }

  /** Does edge `e` (from `from`) keep its target alive, as far as a JavaScript programmer cares? */
  holds(e: number, from: number, allowMeta: boolean): boolean {
    const g = this.g;
    if (g.edges[e * 3] === this.#weakType) return false;
    if (from === g.probe || this.#rootKind[from] === 2 || from === 0) return false;
    const name = g.edgeName(e);
    if (name === 'weak_refs_keep_during_job') return false;
    if (name.includes('part of key') && name.includes(`(table @${g.nodeId(from)})`)) return false;
    if (!allowMeta) {
      if (META_EDGES.has(name)) return false;
      const type = g.nodes[from * g.nodeFields];
      if (type === this.#codeType || type === this.#shapeType) return false;
    }
    return true;
  }

  isSynthetic(node: number): boolean {
    return this.g.nodes[node * this.g.nodeFields] === this.#syntheticType;
  }

  /**
   * The shortest chain of holding edges from a root to the target, target first (edge[0] points at
   * the target), or undefined. A user root (global, module or script variable) beats any engine
   * root; paths without engine bookkeeping (hidden classes, prototypes, code) are tried first,
   * because a plain BFS detours through `__proto__`/`constructor` and prints nonsense.
   */
  retainerEdges(): number[] | undefined {
    const strict = this.#search(false);
    if (strict?.rank === Rank.User) return strict.edges;
    const loose = this.#search(true);
    if (loose?.rank === Rank.User) return loose.edges;
    return strict?.edges ?? loose?.edges;
  }

  #search(allowMeta: boolean): { rank: Rank; edges: number[] } | undefined {
    const g = this.g;
    const n = g.nodeCount;
    const via = new Int32Array(n).fill(-1);
    const seen = new Uint8Array(n);
    const queue = new Uint32Array(n);
    let head = 0;
    let tail = 0;
    queue[tail++] = g.target;
    seen[g.target] = 1;
    let engine = -1;
    while (head < tail) {
      const node = queue[head++]!;
      if (node !== g.target) {
        let rank = this.rootRank(node);
        // A module's or script's scope is a root through its variables, not through its engine
        // fields (the scope's `extension` is the module record: a path through it explains nothing).
        if (rank === Rank.User && this.isContext(node) && g.edgeType(via[node]!) !== 'context') rank = undefined;
        if (rank === Rank.User) return { rank, edges: this.#edgesFrom(node, via) };
        if (rank === Rank.Engine) {
          if (engine < 0) engine = node;
          continue;
        }
      }
      for (const e of g.inEdges(node)) {
        const from = g.edgeFrom(e);
        if (seen[from] === 1 || !this.holds(e, from, allowMeta)) continue;
        seen[from] = 1;
        via[from] = e;
        queue[tail++] = from;
      }
    }
    return engine < 0 ? undefined : { rank: Rank.Engine, edges: this.#edgesFrom(engine, via) };
  }

  #edgesFrom(root: number, via: Int32Array): number[] {
    const edges: number[] = [];
    for (let node = root; node !== this.g.target; ) {
      const e = via[node]!;
      edges.push(e);
      node = this.g.edgeTo(e);
    }
    return edges.reverse();
  }
}
