/**
 * fast-check arbitraries for collection programs, hand-written example programs for the known
 * failure modes, and {@link checkCollection}, which the test file and scripts/props-long.mjs share.
 */
import fc from 'fast-check';
import {
  BAD,
  SLOTS,
  VAL_KINDS,
  WVM_KEYS,
  makeMachine,
  runProgram,
  showProgram,
  type Mutation,
  type Op,
  type Program,
  type Stats,
  type Subject,
} from './collection-model.js';

type Kind = Subject['kind'];

/** Ranges of the key token `k` and value token `v` for each collection. */
function ranges(kind: Kind): { k: number; v: number } {
  switch (kind) {
    case 'IterableWeakMap':
      return { k: SLOTS, v: VAL_KINDS.length };
    case 'WeakValueMap':
      return { k: WVM_KEYS.length, v: SLOTS };
    case 'IterableWeakSet':
      return { k: SLOTS, v: 1 };
  }
}

export function programArbitrary(kind: Kind, maxOps = 30): fc.Arbitrary<Program> {
  const r = ranges(kind);
  const k = fc.nat(r.k - 1);
  const v = fc.nat(r.v - 1);
  const s = fc.nat(SLOTS - 1);
  const isMap = kind !== 'IterableWeakSet';
  const pair = fc.tuple(k, v);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), k, v }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), k }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), s }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'size' as const }) },
  );
  const hows = ['entries', 'keys', 'values', 'forEach', 'iterator'] as const;
  const vias = isMap
    ? (['set', 'setDefault', 'getOrInsert', 'getOrInsertComputed', 'update', 'ctor'] as const)
    : (['set', 'update', 'ctor'] as const);
  const setFns = ['union', 'intersection', 'difference', 'symmetricDifference', 'isSubsetOf', 'isSupersetOf', 'isDisjointFrom'] as const;
  const common: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 10, arbitrary: fc.record({ op: fc.constant('set' as const), k, v }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), k }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant('drop' as const), s }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('pop' as const), k, fallback: fc.boolean() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('update' as const),
        items: fc.array(pair, { maxLength: 4 }),
        bad: fc.option(fc.nat(BAD.length * 4), { freq: 4, nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'copy' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('iter' as const),
        how: fc.constantFrom(...hows),
        stop: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
        muts: fc.array(fc.record({ at: fc.integer({ min: 1, max: 4 }), m: mutation }), { maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('fill' as const), n: fc.integer({ min: 10, max: 140 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('dropFill' as const), stride: fc.integer({ min: 1, max: 3 }), offset: fc.nat(2) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('open' as const), how: fc.constantFrom('entries' as const, 'keys' as const, 'values' as const, 'iterator' as const) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('resume' as const), n: fc.integer({ min: 1, max: 3 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({ op: fc.constant('bad' as const), via: fc.constantFrom(...vias), what: fc.nat(BAD.length - 1), k }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'collect' as const }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('gc' as const), quiet: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const), quiet: fc.boolean() }) },
  ];
  const specific: Array<fc.WeightedArbitrary<Op>> = isMap
    ? [
        { weight: 2, arbitrary: fc.constant({ op: 'popItem' as const }) },
        { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('setDefault' as const, 'getOrInsert' as const), k, v }) },
        {
          weight: 2,
          arbitrary: fc.record({ op: fc.constant('getOrInsertComputed' as const), k, v, inner: fc.option(mutation, { freq: 2, nil: null }) }),
        },
        { weight: 1, arbitrary: fc.constant({ op: 'refs' as const }) },
      ]
    : [{ weight: 2, arbitrary: fc.record({ op: fc.constant('setop' as const), fn: fc.constantFrom(...setFns), other: fc.array(s, { maxLength: 4 }) }) }];
  return fc.record({
    init: fc.option(fc.array(pair, { maxLength: 4 }), { freq: 3, nil: null }),
    ops: fc.array(fc.oneof(...common, ...specific), { maxLength: maxOps, size: 'max' }),
  });
}

const p = (init: Program['init'], ...ops: Op[]): Program => ({ init, ops });
const set = (k: number, v: number): Mutation => ({ op: 'set', k, v });
const drop = (s: number): Op => ({ op: 'drop', s });
const del = (k: number): Op => ({ op: 'delete', k });
const GC: Op = { op: 'gc', quiet: true };
const TICK: Op = { op: 'tick', quiet: false };
const COLLECT: Op = { op: 'collect' };
const popItem: Op = { op: 'popItem' };
const open = (how: 'entries' | 'keys' | 'values' | 'iterator'): Op => ({ op: 'open', how });
const resume = (n: number): Op => ({ op: 'resume', n });
const fill = (n: number): Op => ({ op: 'fill', n });
const dropFill = (stride: number, offset = 0): Op => ({ op: 'dropFill', stride, offset });
const QUIET_TICK: Op = { op: 'tick', quiet: true };
/**
 * Past 64 entries the collections sweep dead entries when they grow: an iterator stands in the
 * middle of the bulk, everything there dies, a cleanup round passes unobserved, then an insert
 * sweeps the node the iterator stands on (and its neighbours) before the iterator moves on.
 */
const sweepUnderIterator = (k: number, v: number): Program =>
  p([[0, 0]], fill(80), open('entries'), resume(20), dropFill(1), GC, QUIET_TICK, set(k, v), resume(3), fill(70), dropFill(2, 1), COLLECT, resume(100),
    dropFill(3, 2), GC, QUIET_TICK, { op: 'iter', how: 'keys', stop: null, muts: [{ at: 2, m: { op: 'size' } }, { at: 3, m: set(k, v) }] });

/** The named scenarios of issue 4, run before the random programs (token meanings: see ranges()). */
export function examples(kind: Kind): Program[] {
  switch (kind) {
    case 'IterableWeakMap': // k = key slot; v: 0 number, 1 zero, 2 undefined, 5 object, 6 ephemeron
      return [
        // overwrite-then-collect: the old value's death must not remove the new one
        p(null, set(0, 5), GC, set(0, 0), TICK, COLLECT, set(0, 6), COLLECT),
        // delete-then-reinsert-then-collect: the entry goes last and survives
        p(null, set(0, 5), set(1, 5), del(0), set(0, 6), COLLECT, drop(1), COLLECT),
        // ephemeron: a value referencing its own key does not keep the entry alive
        p([[0, 6], [1, 6]], drop(0), COLLECT, drop(1), GC, popItem, COLLECT),
        // dead keys are hidden from values() at once
        p(null, set(0, 5), set(1, 0), set(2, 6), drop(1), drop(2), GC, { op: 'iter', how: 'values', stop: null, muts: [] }, COLLECT),
        // an open iterator survives its current entry's collection, and keeps nothing alive
        p([[0, 5], [1, 6], [2, 0], [3, 5]], open('entries'), resume(2), drop(1), drop(2), COLLECT, set(4, 1), resume(3), COLLECT),
        sweepUnderIterator(1, 0),
        // falsy values are present values
        p(null, set(0, 1), set(1, 2), set(2, 3), { op: 'pop', k: 1, fallback: true }, del(0), drop(2), GC, popItem),
        // popItem skips dead newest entries; size exact after collect
        p(null, set(0, 0), set(1, 5), set(2, 6), drop(2), GC, popItem, TICK, popItem, COLLECT),
      ];
    case 'WeakValueMap': // k: 0 'a', 1 'b', 2 'c', 3 0, 4 -0, 5 NaN, 6 '0'; v = value slot
      return [
        // overwrite-then-collect (denostack/weakref#1): the late cleanup of the old value
        p(null, set(0, 0), set(0, 1), drop(0), COLLECT, drop(1), COLLECT),
        // re-set while the old value is dead but not cleaned: an insertion, not undone by the cleanup
        p(null, set(0, 0), set(1, 1), drop(0), GC, set(0, 2), TICK, COLLECT),
        // delete-then-reinsert-then-collect
        p(null, set(0, 0), del(0), drop(0), set(0, 1), GC, set(0, 0), COLLECT),
        // the same value under several keys
        p([[0, 0], [1, 0], [2, 0], [3, 1]], drop(0), GC, set(1, 2), popItem, TICK, COLLECT),
        // read straight after the GC, before anything could prune: dead values are hidden at once
        p(null, set(0, 0), set(1, 1), set(2, 0), drop(0), GC, { op: 'iter', how: 'values', stop: null, muts: [] }, COLLECT),
        // an open iterator across a collection and a re-set of its current key
        p([[0, 0], [1, 1], [2, 2]], open('iterator'), resume(1), drop(0), drop(1), COLLECT, set(0, 3), set(1, 1), resume(4)),
        sweepUnderIterator(1, 1),
        // 0 and -0 are one key, NaN is a key
        p(null, set(3, 0), set(4, 1), set(5, 2), drop(1), GC, { op: 'getOrInsertComputed', k: 3, v: 3 }, COLLECT),
      ];
    case 'IterableWeakSet':
      return [
        p([[0, 0], [1, 0], [2, 0]], drop(1), GC, { op: 'iter', how: 'values', stop: null, muts: [{ at: 1, m: set(3, 0) }] }, COLLECT),
        p(null, set(0, 0), del(0), set(0, 0), drop(0), TICK, set(0, 0), COLLECT),
        p([[0, 0], [1, 0], [2, 0]], open('values'), resume(1), drop(0), drop(1), COLLECT, { op: 'clear' }, set(3, 0), resume(2)),
        sweepUnderIterator(1, 0),
        p(null, set(0, 0), set(1, 0), drop(0), GC, { op: 'setop', fn: 'union', other: [1, 2] }, { op: 'pop', k: 0, fallback: false }, COLLECT),
      ];
  }
}

export interface PropsResult extends Stats {
  kind: Kind;
  seed: number;
  ms: number;
  failure?: string;
}

/**
 * Runs `numRuns` random programs (plus the examples) against `subject`; never throws on a failing
 * property: the result carries the seed, the shrunk program and the error.
 */
export async function checkCollection(
  subject: Subject,
  options: { seed: number; numRuns: number; maxOps?: number; path?: string | undefined },
): Promise<PropsResult> {
  const stats: Stats = { programs: 0, steps: 0, collects: 0, gapChecks: 0, deadSkipped: 0, lateCollects: 0, lateNotes: [] };
  const start = performance.now();
  const details = await fc.check(
    fc.asyncProperty(programArbitrary(subject.kind, options.maxOps), async (program) => {
      await runProgram(makeMachine(subject, program.init), program, stats);
    }),
    {
      seed: options.seed,
      numRuns: options.numRuns,
      examples: examples(subject.kind).map((x) => [x] as [Program]),
      ...(options.path === undefined ? {} : { path: options.path }),
    },
  );
  const result: PropsResult = { kind: subject.kind, seed: options.seed, ms: performance.now() - start, ...stats };
  if (details.failed) {
    const program = details.counterexample?.[0];
    const error = details.errorInstance;
    result.failure = [
      `${subject.kind}: property failed (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)`,
      `error: ${error instanceof Error ? error.message : String(error)}`,
      'shrunk program:',
      program === undefined ? '  (none)' : showProgram(program),
      `replay: PROPS_KINDS=${subject.kind} PROPS_SEED=${details.seed} PROPS_PATH=${details.counterexamplePath} (npm test or npm run test:props)`,
    ].join('\n');
  }
  return result;
}
