import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './support/child.js';

const fixture = fileURLToPath(new URL('./fixtures/gc/engines.js', import.meta.url));

function binary(...candidates: string[]): string | undefined {
  return candidates.map((c) => `${packageRoot}node_modules/${c}`).find((c) => existsSync(c));
}

function run(command: string, args: string[]): Record<string, unknown> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawnSync(command, args, { cwd: packageRoot, encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const deno = binary('.bin/deno', '@deno/linux-x64-glibc/deno');
const bun = binary('.bin/bun');

describe('weakref-ts/gc on other engines: what works, and an Error naming function and engine otherwise', () => {
  test('Deno: collect and whyAlive work (its V8 heap snapshot), getReferrers says why it cannot', { skip: deno === undefined && 'deno binary not installed' }, () => {
    const result = run(deno!, ['run', '-A', fixture]);
    assert.equal(result.collected, true);
    assert.equal(result.whyAlive, ['Worker', "← Map value for key 'Dana'", '← Manager.workers', '← manager2 (module variable)'].join('\n'));
    assert.match((result.getReferrers as { error: string }).error, /^weakref-ts\/gc: getReferrers\(\) is not supported on Deno [\d.]+: .*asynchronously/);
  });

  test('Bun: collect works (Bun.gc), the heap-graph functions say why they cannot', { skip: bun === undefined && 'bun binary not installed' }, () => {
    const result = run(bun!, [fixture]);
    assert.equal(result.collected, true);
    assert.match((result.whyAlive as { error: string }).error, /^weakref-ts\/gc: whyAlive\(\) is not supported on Bun [\d.]+: its JavaScriptCore heap snapshots/);
    assert.match((result.getReferrers as { error: string }).error, /^weakref-ts\/gc: getReferrers\(\) is not supported on Bun /);
  });
});
