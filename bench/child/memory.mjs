// Retained bytes per entry, one implementation per fresh process: keys and values are allocated
// and held by the child first; the heap is measured after 3 × (setImmediate + gc()) before and
// after filling the structure, which stays reachable.
import { CATEGORIES, compile, makeData } from '../lib/impls.mjs';
import { heapUsed, parseArgs, report, settle } from '../lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const cat = args.cat;
const n = Number(args.n);
const def = CATEGORIES[cat].impls.find((d) => d.id === args.impl);
const C = await def.load();
if (C === undefined) {
  report({ suite: 'memory', cat, impl: def.id, n, missing: true });
} else {
  const ops = compile(def, C);
  const data = makeData(cat, n);
  globalThis.benchData = data;
  ops.create(); // load whatever the implementation creates lazily (registries, module state)
  await settle();
  const before = heapUsed();
  const m = ops.create();
  ops.set(m, data.K, data.V, 0, n);
  globalThis.benchKeep = m;
  await settle();
  const after = heapUsed();
  report({
    suite: 'memory', cat, impl: def.id, kind: def.kind, n,
    bytesPerEntry: (after - before) / n, size: ops.size(m), heapBefore: before, heapAfter: after,
  });
}
