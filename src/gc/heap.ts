import { builtin, unsupported } from './engine.js';

/*
 * One in-process heap snapshot, parsed into flat typed arrays (no per-node JS objects: a heap of
 * 1M objects has ~1M nodes and ~4M edges). Nothing here references a user object: the graph holds
 * numbers and the snapshot's string table only, so a graph can never keep anything alive.
 */

/** Holds the diagnostic's target during the snapshot so that we can find its node by name. */
class WeakrefTsGcProbe {
  constructor(readonly weakrefTsGcTarget: object) {}
}
const PROBE_CLASS = 'WeakrefTsGcProbe';
const PROBE_EDGE = 'weakrefTsGcTarget';

type NodeFs = typeof import('node:fs');
type NodeV8 = typeof import('node:v8');
type NodeOs = typeof import('node:os');
type NodePath = typeof import('node:path');

let fileCounter = 0;
let probeSlot: WeakrefTsGcProbe | undefined;

export class HeapGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Flat node fields, `nodeFields` numbers per node. */
  readonly nodes: Uint32Array;
  /** Flat edge fields, 3 numbers per edge; `to` is already a node index (not a field offset). */
  readonly edges: Uint32Array;
  /** Edges of node i are firstEdge[i] .. firstEdge[i+1]-1. */
  readonly firstEdge: Uint32Array;
  readonly strings: string[];
  readonly nodeFields: number;
  readonly nodeTypes: string[];
  readonly edgeTypes: string[];
  /** The probe's node and the target's node. */
  readonly probe: number;
  readonly target: number;
  #inFirst: Uint32Array | undefined;
  #inEdges: Uint32Array | undefined;
  #edgeFrom: Uint32Array | undefined;

  constructor(parsed: ParsedSnapshot) {
    this.nodes = parsed.nodes;
    this.edges = parsed.edges;
    this.strings = parsed.strings;
    this.nodeFields = parsed.nodeFields;
    this.nodeTypes = parsed.nodeTypes;
    this.edgeTypes = parsed.edgeTypes;
    this.nodeCount = this.nodes.length / this.nodeFields;
    this.edgeCount = this.edges.length / 3;
    const first = new Uint32Array(this.nodeCount + 1);
    const nf = this.nodeFields;
    for (let i = 0, e = 0; i < this.nodeCount; i++) {
      first[i] = e;
      e += this.nodes[i * nf + 4]!;
      first[i + 1] = e;
    }
    this.firstEdge = first;
    this.probe = this.#findProbe();
    this.target = this.probe < 0 ? -1 : this.#probeTarget();
  }

  #findProbe(): number {
    const nameIndex = this.strings.indexOf(PROBE_CLASS);
    if (nameIndex < 0) return -1;
    const objectType = this.nodeTypes.indexOf('object');
    const nf = this.nodeFields;
    let found = -1;
    for (let i = 0; i < this.nodeCount; i++) {
      if (this.nodes[i * nf + 1] === nameIndex && this.nodes[i * nf] === objectType) found = i;
    }
    return found;
  }

  #probeTarget(): number {
    for (let e = this.firstEdge[this.probe]!; e < this.firstEdge[this.probe + 1]!; e++) {
      if (this.edgeName(e) === PROBE_EDGE) return this.edgeTo(e);
    }
    return -1;
  }

  nodeType(i: number): string {
    return this.nodeTypes[this.nodes[i * this.nodeFields]!] ?? 'hidden';
  }
  nodeName(i: number): string {
    return this.strings[this.nodes[i * this.nodeFields + 1]!] ?? '';
  }
  nodeId(i: number): number {
    return this.nodes[i * this.nodeFields + 2]!;
  }
  nodeSize(i: number): number {
    return this.nodes[i * this.nodeFields + 3]!;
  }
  edgeType(e: number): string {
    return this.edgeTypes[this.edges[e * 3]!] ?? 'internal';
  }
  /** The property/variable name, or the index (as a string) for element and hidden edges. */
  edgeName(e: number): string {
    const type = this.edgeType(e);
    const raw = this.edges[e * 3 + 1]!;
    return type === 'element' || type === 'hidden' ? String(raw) : (this.strings[raw] ?? '');
  }
  edgeTo(e: number): number {
    return this.edges[e * 3 + 2]!;
  }
  edgeFrom(e: number): number {
    this.#buildReverse();
    return this.#edgeFrom![e]!;
  }
  /** The range of `node`'s out-edge indexes: [first, end). */
  outEdges(node: number): [number, number] {
    return [this.firstEdge[node]!, this.firstEdge[node + 1]!];
  }
  /** In-edge indexes (into edges) of `node`. */
  inEdges(node: number): Uint32Array {
    this.#buildReverse();
    return this.#inEdges!.subarray(this.#inFirst![node]!, this.#inFirst![node + 1]!);
  }

  #buildReverse(): void {
    if (this.#inFirst !== undefined) return;
    const n = this.nodeCount;
    const edges = this.edges;
    const inFirst = new Uint32Array(n + 1);
    for (let e = 0; e < this.edgeCount; e++) inFirst[edges[e * 3 + 2]! + 1]!++;
    for (let i = 0; i < n; i++) inFirst[i + 1]! += inFirst[i]!;
    const fill = inFirst.slice(0, n);
    const inEdges = new Uint32Array(this.edgeCount);
    const from = new Uint32Array(this.edgeCount);
    for (let i = 0; i < n; i++) {
      for (let e = this.firstEdge[i]!; e < this.firstEdge[i + 1]!; e++) {
        from[e] = i;
        inEdges[fill[edges[e * 3 + 2]!]!++] = e;
      }
    }
    this.#inFirst = inFirst;
    this.#inEdges = inEdges;
    this.#edgeFrom = from;
  }

  /** An object a JavaScript program can see (not an engine internal such as a Context or a Map's table). */
  isJsObject(i: number): boolean {
    const type = this.nodeType(i);
    if (type !== 'object' && type !== 'closure' && type !== 'regexp') return false;
    return !this.nodeName(i).startsWith('system /');
  }

  /** The out-edge of `node` named `name`, or -1. */
  findEdge(node: number, name: string): number {
    for (let e = this.firstEdge[node]!; e < this.firstEdge[node + 1]!; e++) if (this.edgeName(e) === name) return e;
    return -1;
  }
}

interface ParsedSnapshot {
  nodes: Uint32Array;
  edges: Uint32Array;
  strings: string[];
  nodeFields: number;
  nodeTypes: string[];
  edgeTypes: string[];
}

/**
 * Takes a heap snapshot with `target` held only by this call (its own frame and a probe object that
 * the analysis ignores), and parses it. `v8.writeHeapSnapshot` is synchronous and about twice as
 * fast as streaming the same snapshot through `node:inspector` (which JSON-escapes every chunk
 * twice), so the snapshot goes through a temporary file that is removed before returning.
 */
export function snapshotAround(fn: string, target: object): HeapGraph {
  const v8 = builtin<NodeV8>('node:v8');
  const fs = builtin<NodeFs>('node:fs');
  const os = builtin<NodeOs>('node:os');
  const path = builtin<NodePath>('node:path');
  if ((globalThis as { Bun?: unknown }).Bun !== undefined) {
    // Tried: Bun's v8.writeHeapSnapshot works, but JavaScriptCore's graph has no edge from a
    // module's scope to its variables, so an object held by one looked unreachable: a wrong answer.
    throw unsupported(fn, "its JavaScriptCore heap snapshots do not show module-scope variables as holders, so a chain could be missing and 'unreachable' could be wrong");
  }
  if (v8 === undefined || fs === undefined || os === undefined || path === undefined || typeof v8.writeHeapSnapshot !== 'function') {
    throw unsupported(fn, 'it needs node:v8 writeHeapSnapshot (Node 20.16 or later, reached through process.getBuiltinModule)');
  }
  const file = path.join(os.tmpdir(), `weakref-ts-gc-${process.pid}-${Date.now()}-${++fileCounter}.heapsnapshot`);
  let buffer: Bytes;
  try {
    // In module state for the snapshot's duration only, so that no optimizer can elide it.
    probeSlot = new WeakrefTsGcProbe(target);
    try {
      v8.writeHeapSnapshot(file);
    } finally {
      probeSlot = undefined;
    }
    buffer = fs.readFileSync(file);
  } finally {
    try {
      fs.unlinkSync(file);
    } catch {
      // Already gone, or never written: nothing to clean.
    }
  }
  const graph = new HeapGraph(parseSnapshot(buffer));
  if (graph.target < 0) throw new Error(`weakref-ts/gc: ${fn}() could not find its target in the heap snapshot`);
  return graph;
}

/** Node's Buffer, as far as the parser needs it. */
type Bytes = Uint8Array & { indexOf(value: string, byteOffset: number): number };

/** Finds `"key":` after `from` and returns the index of the `[` that opens its array. */
function findArray(buf: Bytes, key: string, from: number): number {
  const at = buf.indexOf(`"${key}":`, from);
  if (at < 0) throw new Error(`weakref-ts/gc: heap snapshot has no "${key}" section`);
  let p = at + key.length + 3;
  while (p < buf.length && buf[p] !== 0x5b) p++;
  return p;
}

/** Parses a JSON array of non-negative integers starting at `buf[start] === '['`, without allocating per number. */
function parseInts(buf: Uint8Array, start: number, count: number): { values: Uint32Array; end: number } {
  const values = new Uint32Array(count);
  let k = 0;
  let v = 0;
  let inNumber = false;
  let p = start + 1;
  for (; p < buf.length; p++) {
    const c = buf[p]!;
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      inNumber = true;
    } else if (c === 44 || c === 93) {
      if (inNumber) {
        values[k++] = v;
        v = 0;
        inNumber = false;
      }
      if (c === 93) break;
    }
  }
  if (k !== count) throw new Error(`weakref-ts/gc: heap snapshot array has ${k} numbers, expected ${count}`);
  return { values, end: p + 1 };
}

function parseSnapshot(buf: Bytes): ParsedSnapshot {
  const decoder = new TextDecoder();
  const nodesAt = buf.indexOf('"nodes":', 0);
  if (nodesAt < 0) throw new Error('weakref-ts/gc: heap snapshot has no "nodes" section');
  // The header is small JSON: {"snapshot":{...},
  const headerText = decoder.decode(buf.subarray(0, nodesAt));
  const header = JSON.parse(headerText.slice(0, headerText.lastIndexOf(',')) + '}') as {
    snapshot: {
      meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
      node_count: number;
      edge_count: number;
    };
  };
  const meta = header.snapshot.meta;
  const nodeFields = meta.node_fields.length;
  const expected = ['type', 'name', 'id', 'self_size', 'edge_count'];
  if (expected.some((f, i) => meta.node_fields[i] !== f) || meta.edge_fields.join() !== 'type,name_or_index,to_node') {
    throw new Error('weakref-ts/gc: unknown heap snapshot layout');
  }
  const nodes = parseInts(buf, findArray(buf, 'nodes', nodesAt), header.snapshot.node_count * nodeFields);
  const edges = parseInts(buf, findArray(buf, 'edges', nodes.end), header.snapshot.edge_count * 3);
  // to_node is a field offset in the snapshot; a node index is what every lookup wants.
  const e = edges.values;
  for (let i = 2; i < e.length; i += 3) e[i] = e[i]! / nodeFields;
  const p = findArray(buf, 'strings', edges.end);
  let end = buf.length - 1;
  while (end > p && buf[end] !== 0x5d) end--;
  const strings = JSON.parse(decoder.decode(buf.subarray(p, end + 1))) as string[];
  return {
    nodes: nodes.values,
    edges: edges.values,
    strings,
    nodeFields,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
  };
}
