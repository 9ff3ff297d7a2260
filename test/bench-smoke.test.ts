import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled to build/test/: the worktree root is two levels up.
const root = fileURLToPath(new URL('../../', import.meta.url));

// Only checks that the benchmark still runs end to end (tiny N, every suite): speed lives in
// `npm run bench`, never in assertions.
test('npm run bench -- --smoke: every suite runs and the report renders', () => {
  const run = spawnSync(process.execPath, ['bench/run.mjs', '--smoke', '--no-write'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(run.status, 0, `bench failed:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /FAILED/);
  for (const heading of ['### Targets', '### WeakValueMap', '### IterableWeakMap', '### IterableWeakSet', '### References', '### Retained bytes', '### Mass collection', '### Ref churn', '### Correctness']) {
    assert.ok(run.stdout.includes(heading), `report lacks "${heading}"`);
  }
});

test('npm run bench:confirm: re-measures the cells a run missed and renders a verdict for each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weakref-ts-confirm-'));
  const from = join(dir, 'run.json');
  const missed = (cat: string, op: string, mode: string) => ({ group: 'ops', status: 'missed', cat, op, mode, n: 2000, vsNaive: 1.2, vsPeer: 1.1, peer: 'weakref' });
  // A full run saves a ratio it could not compute (no peer) as null: the confirmation must render it.
  const noPeer = { ...missed('iws', 'overwrite', 'chunked'), vsPeer: null, peer: undefined };
  writeFileSync(from, JSON.stringify({ date: 'synthetic', targets: [missed('wvm', 'set', 'bulk'), noPeer] }));
  const run = spawnSync(process.execPath, ['bench/confirm.mjs', '--from', from, '--reps', '2', '--no-write'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(run.status, 0, `confirm failed:\n${run.stderr}`);
  assert.ok(run.stdout.includes('## Confirmation of the missed cells'), run.stdout);
  assert.match(run.stdout, /\| wvm set 2k bulk \|.*\| (met|at a floor|missed)/);
  assert.match(run.stdout, /\| iws overwrite 2k chunked \|.*\| (met|at a floor|missed)/);
});
