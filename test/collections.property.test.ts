// Property tests (issue 4): random programs drive each collection and a Map/Set model side by side
// under real garbage collection. See test/support/collection-model.ts for what is checked after
// every step. `npm test` runs PROPS_RUNS (default 200) programs per collection with a fixed seed;
// `npm run test:props` runs 10,000+ per collection with random seeds (scripts/props-long.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IterableWeakMap, IterableWeakSet, WeakValueMap } from 'weakref-ts';
import { checkCollection, examples } from './support/collection-props.js';
import type { Subject } from './support/collection-model.js';
import { referenceIterableWeakMap, referenceIterableWeakSet, referenceWeakValueMap, type Mutant } from './support/reference-collections.js';

const SEED = Number(process.env['PROPS_SEED'] ?? 20261122);
const RUNS = Number(process.env['PROPS_RUNS'] ?? 200);
const PATH = process.env['PROPS_PATH']; // with PROPS_SEED: replays one shrunk counterexample
const KINDS = process.env['PROPS_KINDS']?.split(',');

const subjects: Subject[] = [
  { kind: 'IterableWeakMap', ctor: IterableWeakMap },
  { kind: 'WeakValueMap', ctor: WeakValueMap },
  { kind: 'IterableWeakSet', ctor: IterableWeakSet },
];

for (const subject of subjects.filter((x) => KINDS === undefined || KINDS.includes(x.kind))) {
  test(`${subject.kind} behaves like its Map/Set model under real GC (${RUNS} programs, seed ${SEED})`, async (t) => {
    const r = await checkCollection(subject, { seed: SEED, numRuns: RUNS, path: PATH });
    t.diagnostic(
      `${r.kind}: seed ${r.seed}, ${r.programs} programs, ${r.steps} steps, ${r.collects} collect() calls, ` +
        `${r.gapChecks} checks with dead entries pending, ${r.deadSkipped} dead entries skipped by iterations, ` +
        `${r.lateCollects} late collections, ${r.ms.toFixed(0)} ms`,
    );
    for (const note of r.lateNotes) t.diagnostic(`late collection (not a failure): ${note}`);
    if (r.failure !== undefined) assert.fail(r.failure);
    if (PATH === undefined) assert.ok(r.programs >= RUNS, `ran ${r.programs} programs, wanted ${RUNS}`);
  });
}

// The harness must be able to fail: each seeded bug below mirrors a peer's (ENGINE-NOTES §2) and
// must be caught by the hand-written example programs alone (they run first, and count in numRuns).
// The stand-ins are untyped look-alikes: the harness only needs their structure.
const standIn = (kind: Subject['kind'], ctor: unknown): Subject => ({ kind, ctor }) as Subject;
const mutants: Array<[Mutant, Subject]> = [
  ['popitem-oldest', standIn('IterableWeakMap', referenceIterableWeakMap('popitem-oldest'))],
  ['value-holds-key', standIn('IterableWeakMap', referenceIterableWeakMap('value-holds-key'))],
  ['size-counts-dead', standIn('IterableWeakMap', referenceIterableWeakMap('size-counts-dead'))],
  ['delete-truthy', standIn('IterableWeakMap', referenceIterableWeakMap('delete-truthy'))],
  ['iterator-holds-key', standIn('IterableWeakMap', referenceIterableWeakMap('iterator-holds-key'))],
  ['late-cleanup-deletes-new', standIn('WeakValueMap', referenceWeakValueMap('late-cleanup-deletes-new'))],
  ['set-over-dead-keeps-position', standIn('WeakValueMap', referenceWeakValueMap('set-over-dead-keeps-position'))],
  ['values-skip-no-liveness', standIn('WeakValueMap', referenceWeakValueMap('values-skip-no-liveness'))],
];

test('the property harness catches seeded bugs and passes the reference stand-ins', async (t) => {
  for (const [bug, subject] of mutants) {
    const r = await checkCollection(subject, { seed: SEED, numRuns: examples(subject.kind).length });
    assert.notEqual(r.failure, undefined, `the harness missed the seeded bug ${bug}`);
  }
  const correct = [
    standIn('IterableWeakMap', referenceIterableWeakMap('none')),
    standIn('WeakValueMap', referenceWeakValueMap('none')),
    standIn('IterableWeakSet', referenceIterableWeakSet('none')),
  ];
  for (const subject of correct) {
    const r = await checkCollection(subject, { seed: SEED, numRuns: examples(subject.kind).length });
    if (r.failure !== undefined) assert.fail(`stand-in ${subject.kind} failed:\n${r.failure}`);
  }
  t.diagnostic(`${mutants.length} seeded bugs caught`);
});

test('WeakValueMap stores the key -0 as +0, like Map (keys, entries, forEach, popItem, valueRefs, getOrInsertComputed)', () => {
  const value = {};
  const fresh = new WeakValueMap<number, object>().set(-0, value);
  const overwritten = new WeakValueMap<number, object>([[0, {}]]).set(-0, value);
  for (const map of [fresh, overwritten]) {
    const seen: unknown[] = [];
    map.forEach((_v, k) => seen.push(k));
    assert.ok(Object.is([...map.keys()][0], 0), 'keys() yields -0');
    assert.ok(Object.is([...map.entries()][0]?.[0], 0), 'entries() yields -0');
    assert.ok(Object.is(seen[0], 0), 'forEach passes -0');
    assert.ok(Object.is(map.valueRefs()[0]?.key, 0), 'valueRefs() key is -0');
    assert.ok(Object.is(map.popItem()?.[0], 0), 'popItem() returns -0');
  }
  let computedWith: unknown;
  new WeakValueMap<number, object>().getOrInsertComputed(-0, (key) => ((computedWith = key), value));
  assert.ok(Object.is(computedWith, 0), 'getOrInsertComputed passes -0 to compute (ES2026 passes the canonical +0)');
  assert.ok(Object.is([...new Map([[-0, value]]).keys()][0], 0)); // what Map does
});
