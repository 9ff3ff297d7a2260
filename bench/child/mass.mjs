// Mass collection, one implementation per fresh process: N entries whose weak side is reachable
// from nothing else; then the time until `size` is 0, either by our `await collect()` or by rounds
// of gc() + setImmediate (what anyone can do for any structure), and whether a dead entry is still
// yielded or counted afterwards.
import { performance } from 'node:perf_hooks';
import { CATEGORIES, compile } from '../lib/impls.mjs';
import { immediate, parseArgs, report, requireGc } from '../lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const cat = args.cat;
const n = Number(args.n);
const method = args.method; // 'collect' | 'gc'
const maxRounds = Number(args.rounds ?? 10);
const gc = requireGc();
const def = CATEGORIES[cat].impls.find((d) => d.id === args.impl);
const C = await def.load();
if (C === undefined) {
  report({ suite: 'mass', cat, impl: def.id, n, method, missing: true });
} else {
  const ops = compile(def, C);
  const m = ops.create();
  globalThis.benchKeep = m;
  // Garbage is made in an inner function: nothing but the structure ever sees these objects.
  (function fill() {
    const K = new Array(n);
    const V = new Array(n);
    for (let i = 0; i < n; i++) {
      K[i] = cat === 'wvm' ? `key:${i}` : { k: i };
      V[i] = { v: i };
    }
    ops.set(m, K, V, 0, n);
  })();
  const sizeBefore = ops.size(m);
  await immediate(); // the fill job's KeepDuringJob set is gone from here on
  let rounds = 0;
  let ms;
  const t0 = performance.now();
  if (method === 'collect') {
    const { collect } = await import('weakref-ts/gc');
    await collect();
    rounds = 1;
    ms = performance.now() - t0;
    if (ops.size(m) !== 0) ms = undefined;
  } else {
    while (rounds < maxRounds) {
      rounds++;
      gc();
      await immediate();
      if (ops.size(m) === 0) {
        ms = performance.now() - t0;
        break;
      }
    }
  }
  const sizeAfter = ops.size(m);
  let yielded = 0;
  for (const _ of m[Symbol.iterator]()) yielded++;
  report({ suite: 'mass', cat, impl: def.id, kind: def.kind, n, method, sizeBefore, ms, rounds, sizeAfter, yielded });
}
