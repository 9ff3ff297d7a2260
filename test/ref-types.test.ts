import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedRef, Ref, ref } from 'weakref-ts';

// These are compile-time checks: `npm test` type-checks this file before running it.
class Worker {
  constructor(readonly name: string) {}
}

class TreeNode {
  parent: Ref<TreeNode> | undefined;
  constructor(parent?: TreeNode) {
    this.parent = parent === undefined ? undefined : ref(parent);
  }
  adopt(child: TreeNode): void {
    // `ref(this)` is a Ref<this>; it must fit a Ref<TreeNode> field without a cast.
    child.parent = ref(this);
  }
}

test('Ref is covariant in its target: a Ref<Worker> is a Ref<object>', () => {
  const worker = new Worker('Alice');
  const specific: Ref<Worker> = new Ref(worker, (dead) => void dead.deref());
  const general: Ref<object> = specific;
  const keyed: Ref<object> = new KeyedRef(worker, undefined, 'alice');
  const all: Array<Ref<object>> = [general, keyed, ref(worker)];
  assert.equal(all.every((r) => r.deref() === worker), true);
});

test('ref(this) fits a field typed with the class', () => {
  const root = new TreeNode();
  const child = new TreeNode();
  root.adopt(child);
  assert.equal(child.parent?.deref(), root);
});
