import type { HeapGraph } from './heap.js';
import type { Walker } from './walk.js';

/**
 * One link of a retainer chain: `holder` holds the previous link (or the target) through `edge`.
 * @example `{ holder: 'Manager', edge: '.workers' }`, `{ holder: 'Map', edge: "value for key 'Alice'" }`,
 * `{ holder: 'function onTick', edge: "captured variable 'self'" }`, `{ holder: '(module variable)', edge: 'manager1' }`
 */
export interface RetainerStep {
  /** What holds: a class name (`Manager`, `Map`, `Array`), `function f`, `(module variable)`, `globalThis`... */
  holder: string;
  /** How: `.workers`, `[3]`, `value for key 'Alice'`, `captured variable 'self'`, or a variable's name. */
  edge: string;
}

/** One step as whyAlive prints it: `Manager.workers`, `Map value for key 'Alice'`, `manager1 (module variable)`. */
export function renderStep(step: RetainerStep): string {
  if (step.edge === '') return step.holder;
  if (step.edge.startsWith('.') || step.edge.startsWith('[')) {
    // A function's own property reads as `Manager.instances`, the way the program writes it.
    return (step.holder.startsWith('function ') ? step.holder.slice('function '.length) : step.holder) + step.edge;
  }
  if (step.holder.startsWith('(')) return `${step.edge} ${step.holder}`;
  return `${step.holder} ${step.edge}`;
}

/** A bound function's parts, as `fn.bind(thisArg, ...args)` wrote them. */
const BOUND: Record<string, string> = {
  bound_target_function: '(target function)',
  bound_this: '(bound this)',
  bound_arguments: '(bound arguments)',
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_TEXT = 40;

function quote(text: string): string {
  const short = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  return `'${short.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** How a property name reads after its holder: `.workers`, `['a b']`, `[Symbol(id)]`, `[3]`. */
function propertyAccess(name: string): string {
  if (IDENTIFIER.test(name) || (name.startsWith('#') && IDENTIFIER.test(name.slice(1)))) return `.${name}`;
  if (/^\d+$/.test(name)) return `[${name}]`;
  const symbol = /^<symbol(?: (.*))?>$/.exec(name);
  if (symbol !== null) return `[Symbol(${symbol[1] ?? ''})]`;
  return `[${quote(name)}]`;
}

/** Turns the engine's path (target first) into words; internals are folded into the JS object they belong to. */
export class Describer {
  readonly #g: HeapGraph;
  readonly #w: Walker;

  constructor(walker: Walker) {
    this.#w = walker;
    this.#g = walker.g;
  }

  /** A JavaScript programmer's name for what a node is: `Manager`, `function onTick`, `globalThis`. */
  holderName(node: number): string {
    const g = this.#g;
    if (this.#w.isGlobal(node)) return 'globalThis';
    const name = g.nodeName(node);
    const type = g.nodeType(node);
    if (type === 'closure') {
      if (g.findEdge(node, 'bound_this') >= 0) return 'bound function';
      return name ? `function ${name}` : 'function (anonymous)';
    }
    if (name.startsWith('system / ')) return `(${name.slice('system / '.length)})`;
    if (type === 'synthetic' || type === 'native') return name.startsWith('(') ? name : `(${name})`;
    if (type === 'array' || type === 'hidden' || type === 'code') return name ? `(${name})` : '(engine internal)';
    return name || 'Object';
  }

  /** A value as it appears in a step: `'Alice'` for strings, `<Worker>` for objects. */
  valueText(node: number): string {
    const g = this.#g;
    const type = g.nodeType(node);
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return quote(g.nodeName(node));
    if (type === 'number') return 'a number';
    if (type === 'symbol') return g.nodeName(node) || 'a symbol';
    return `<${this.holderName(node)}>`;
  }

  steps(edges: number[]): RetainerStep[] {
    const g = this.#g;
    const steps: RetainerStep[] = [];
    let i = 0;
    while (i < edges.length) {
      const e = edges[i]!;
      const holder = g.edgeFrom(e);
      const up = edges[i + 1];
      const upName = up === undefined ? '' : g.edgeName(up);
      if (g.nodeName(holder) === 'system / ContextCell') {
        // Newer V8 boxes some scope slots: the Context's edge to the cell carries the variable's name.
        i++;
        continue;
      }
      const exported = this.#w.moduleExportName(holder);
      if (exported !== undefined) {
        steps.push({ holder: '(module variable)', edge: exported });
        break;
      }
      if (this.#w.isContext(holder)) {
        i = this.#contextStep(edges, i, steps);
        continue;
      }
      if (g.edgeName(e).includes('part of key')) {
        steps.push({ holder: 'WeakMap', edge: `value for key ${this.valueText(holder)}` });
        i++;
        continue;
      }
      if (up !== undefined && upName === 'table' && g.isJsObject(g.edgeFrom(up))) {
        steps.push(this.#tableStep(g.edgeFrom(up), holder, e));
        i += 2;
        continue;
      }
      if (up !== undefined && upName === 'elements' && g.isJsObject(g.edgeFrom(up))) {
        steps.push({ holder: this.holderName(g.edgeFrom(up)), edge: `[${g.edgeName(e)}]` });
        i += 2;
        continue;
      }
      steps.push({ holder: this.holderName(holder), edge: this.#edgeText(e) });
      i++;
      if (this.#w.isRootCategory(holder)) break;
    }
    return steps;
  }

  #edgeText(e: number): string {
    const g = this.#g;
    const name = g.edgeName(e);
    switch (g.edgeType(e)) {
      case 'property':
      case 'shortcut':
        return propertyAccess(name);
      case 'element':
        return `[${name}]`;
      case 'context':
        return `variable '${name}'`;
      default:
        if (BOUND[name] !== undefined) return BOUND[name];
        return this.#w.isRootCategory(g.edgeFrom(e)) ? '' : `(internal '${name}')`;
    }
  }

  /**
   * A Context holds a function's captured variables (or a module's top-level ones). Contexts chain
   * through `previous`; whoever holds the innermost one (usually a closure) is the holder.
   */
  #contextStep(edges: number[], i: number, steps: RetainerStep[]): number {
    const g = this.#g;
    const e = edges[i]!;
    const context = g.edgeFrom(e);
    const variable = g.edgeType(e) === 'context' ? g.edgeName(e) : `(internal '${g.edgeName(e)}')`;
    if (this.#w.isModuleContext(context)) {
      steps.push({ holder: '(module variable)', edge: variable });
      return i + 1;
    }
    if (this.#w.isScriptContext(context)) {
      steps.push({ holder: '(script variable)', edge: variable });
      return i + 1;
    }
    let j = i + 1;
    while (j < edges.length && g.edgeName(edges[j]!) === 'previous' && this.#w.isContext(g.edgeFrom(edges[j]!))) j++;
    const up = edges[j];
    if (up !== undefined) {
      const owner = g.edgeFrom(up);
      if (g.nodeType(owner) === 'closure') {
        steps.push({ holder: this.holderName(owner), edge: `captured variable '${variable}'` });
        return j + 1;
      }
      if (g.isJsObject(owner)) {
        steps.push({ holder: this.holderName(owner), edge: `variable '${variable}' in its scope` });
        return j + 1;
      }
    }
    steps.push({ holder: '(closure scope)', edge: `variable '${variable}'` });
    return j;
  }

  /** A Map's or Set's OrderedHashTable: 3 header slots, the buckets, then (key, value, chain) or (key, chain) per entry. */
  #tableStep(owner: number, table: number, e: number): RetainerStep {
    const g = this.#g;
    const holder = this.holderName(owner);
    const slot = Number(g.edgeName(e));
    const layout = tableLayout(g.nodeSize(table));
    if (layout === undefined || !Number.isInteger(slot)) return { holder, edge: 'entry' };
    const offset = slot - 3 - layout.buckets;
    if (layout.entrySize === 2) return { holder, edge: 'element' };
    if (offset % 3 === 0) return { holder, edge: 'key' };
    const keyEdge = g.findEdge(table, String(slot - 1));
    return { holder, edge: keyEdge < 0 ? 'value for a number key' : `value for key ${this.valueText(g.edgeTo(keyEdge))}` };
  }
}

/**
 * Small integers (the header, bucket heads) have no node in a snapshot, so the layout is read from
 * the table's size: a FixedArray of `3 + b + entries * entrySize` slots with `entries = 2b`, b a
 * power of two, and a two-slot header (8-byte slots, or 4 with pointer compression).
 */
function tableLayout(bytes: number): { buckets: number; entrySize: 2 | 3 } | undefined {
  for (const slotBytes of [8, 4]) {
    const length = bytes / slotBytes - 2;
    for (const entrySize of [3, 2] as const) {
      const buckets = (length - 3) / (1 + 2 * entrySize);
      if (Number.isInteger(buckets) && buckets >= 1 && (buckets & (buckets - 1)) === 0) return { buckets, entrySize };
    }
  }
  return undefined;
}
