// What one abandoned, unfinished iterator retains while its collection churns: IterableWeakSet
// (retired layouts, see src/internal/weak-list.ts) against a native Set (obsolete hash tables).
//   npm run build && node --expose-gc bench/abandoned-iterator.mjs [--members 1000] [--cycles 20000]
// Each case runs in a fresh child process: heap growth over `cycles` rounds of deleting and
// re-adding every member, with and without an iterator that took one step and was kept.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './lib/util.mjs';

const args = parseArgs(process.argv.slice(2));
const members = Number(args.members ?? 1000);
const cycles = Number(args.cycles ?? 20000);

if (args.child) {
  const { kind, keep } = args;
  const { IterableWeakSet } = await import('../dist/index.js');
  const pool = Array.from({ length: members }, (_, i) => ({ i }));
  const set = kind === 'Set' ? new Set(pool) : new IterableWeakSet(pool);
  let it = set.values();
  it.next();
  if (keep !== 'keep') it = undefined;
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let c = 0; c < cycles; c++) {
    for (const member of pool) set.delete(member);
    for (const member of pool) set.add(member);
  }
  globalThis.gc();
  const grown = process.memoryUsage().heapUsed - before;
  // Touch the iterator after the measurement, so that it is alive throughout.
  it?.next();
  console.log(JSON.stringify({ grown }));
} else {
  console.log(`${members} members deleted and re-added ${cycles} times; heap growth after gc():`);
  for (const kind of ['IterableWeakSet', 'Set']) {
    for (const keep of ['none', 'keep']) {
      const child = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', '--kind', kind, '--keep', keep, '--members', String(members), '--cycles', String(cycles)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(child.stderr);
      const { grown } = JSON.parse(child.stdout);
      console.log(`  ${kind.padEnd(16)} ${keep === 'keep' ? 'one abandoned iterator' : 'no iterator           '}  ${(grown / 1048576).toFixed(1)} MiB`);
    }
  }
}
