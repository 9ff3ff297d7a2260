// Scenario 3: a tree whose children point back at their parent.
// JavaScript's collector frees cycles, so a strong parent pointer is not a leak by itself; but
// holding any one node then keeps the whole tree alive. With `ref(parent)` a node keeps only its
// own subtree alive, and once nothing outside holds a node, the tree is freed as a whole.
// Run: node examples/tree.mjs (after npm run build)
import { Ref, ref } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class TreeNode {
  /** @type {Ref<TreeNode> | undefined} */
  #parent;
  /** @type {TreeNode[]} */
  children = [];
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }
  /** The parent, or undefined once it was collected (or for the root). */
  get parent() {
    return this.#parent?.deref();
  }
  /** @param {TreeNode} child */
  add(child) {
    // Weak: only the parent's `children` array keeps nodes alive, never a child its parent.
    child.#parent = ref(/** @type {TreeNode} */ (this));
    this.children.push(child);
    return child;
  }
}

/** The same tree, but each child holds its parent strongly. */
class StrongTreeNode {
  /** @type {StrongTreeNode | undefined} */
  parent;
  /** @type {StrongTreeNode[]} */
  children = [];
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }
  /** @param {StrongTreeNode} child */
  add(child) {
    child.parent = this;
    this.children.push(child);
    return child;
  }
}

/**
 * Builds html > body > (p, ul > (li, li)) and returns only the last li: the root is dropped.
 * @template {{ add(child: N): N }} N
 * @param {new (name: string) => N} Node
 * @param {Ref<N>[]} probes Refs to every node, to count how many are still alive
 * @returns {N}
 */
function buildTreeKeepLeaf(Node, probes) {
  /** @type {(name: string) => N} */
  const make = (name) => {
    const node = new Node(name);
    probes.push(new Ref(node));
    return node;
  };
  const html = make('html');
  const body = html.add(make('body'));
  body.add(make('p'));
  const ul = body.add(make('ul'));
  ul.add(make('li'));
  return ul.add(make('li'));
}

/** @param {{ deref(): object | undefined }[]} probes */
const alive = (probes) => `${probes.filter((p) => p.deref() !== undefined).length} of ${probes.length} nodes alive`;

console.log('-- strong parent pointers: keep one leaf, drop the root --');
/** @type {Ref<StrongTreeNode>[]} */
const strongProbes = [];
const strongLeaf = buildTreeKeepLeaf(StrongTreeNode, strongProbes);
await collect();
console.log(`after collect():  ${alive(strongProbes)}  <- holding one ${strongLeaf.name} holds the whole tree`);

console.log('-- weak parent pointers (ref): keep one leaf, drop the root --');
/** @type {Ref<TreeNode>[]} */
const probes = [];
/** @type {TreeNode | undefined} */
let leaf = buildTreeKeepLeaf(TreeNode, probes);
// Read through a function: an engine may keep a temporary copy of `leaf` in this module's own
// frame (Bun does), which would keep the leaf alive after `leaf = undefined`.
const parentOfLeaf = () => leaf?.parent?.name;
console.log(`before collect(): ${alive(probes)}; leaf.parent is ${parentOfLeaf()}`);
await collect();
console.log(`after collect():  ${alive(probes)}; leaf.parent is ${parentOfLeaf()}  <- only the leaf was held`);

console.log('-- drop the leaf as well --');
leaf = undefined;
await collect();
console.log(`after collect():  ${alive(probes)}  <- the tree was freed as a whole`);
