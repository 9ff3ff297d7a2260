import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
