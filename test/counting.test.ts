import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedRef, Ref, getWeakRefCount, getWeakRefs, ref } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

const keep = globalThis as unknown as { countingHeld: unknown[] };
keep.countingHeld = [];

test('getWeakRefCount and getWeakRefs count every reachable Ref and subclass, oldest first', () => {
  const target = {};
  assert.equal(getWeakRefCount(target), 0);
  assert.deepEqual(getWeakRefs(target), []);
  const a = ref(target);
  const b = new Ref(target, () => {});
  const c = new KeyedRef(target, undefined, 'k');
  assert.equal(ref(target), a, 'asking for the shared Ref again adds nothing');
  assert.equal(getWeakRefCount(target), 3);
  assert.deepEqual(getWeakRefs(target), [a, b, c]);
});

test('Refs the program dropped stop being counted once the engine collected them', async () => {
  const target = {};
  keep.countingHeld.push(target);
  const kept = new Ref(target);
  (() => {
    for (let i = 0; i < 5; i++) new Ref(target, () => {});
  })();
  assert.equal(getWeakRefCount(target), 6);
  await collect();
  assert.equal(getWeakRefCount(target), 1);
  assert.deepEqual(getWeakRefs(target), [kept]);
});

test('the counts are per target', () => {
  const one = {};
  const two = {};
  ref(one);
  new Ref(two);
  new Ref(two);
  assert.equal(getWeakRefCount(one), 1);
  assert.equal(getWeakRefCount(two), 2);
});

test('getWeakRefs returns a fresh array each time', () => {
  const target = {};
  const r = ref(target);
  const first = getWeakRefs(target);
  first.length = 0;
  assert.deepEqual(getWeakRefs(target), [r]);
});
