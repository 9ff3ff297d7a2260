import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ref, WeakValueMap } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';
import { packageRoot } from './support/child.js';

/** A child `node` without --expose-gc, and without NODE_OPTIONS that could smuggle it in. */
function runWithoutFlag(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  // Set by the runner that runs this file; a nested `node --test` would otherwise report in its binary protocol.
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8', env, timeout: 300_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function pusher(list: string[], text: string): () => void {
  return () => list.push(text);
}

describe('collect()', () => {
  test('waits for chained callbacks: a callback that drops the last reference to another target', async () => {
    const ran: string[] = [];
    const refs = (() => {
      const second = {};
      // pusher() makes the second callback outside this scope: a closure created here would share
      // V8's context with the first callback and so hold `second` itself.
      return [new Ref(second, pusher(ran, 'second')), new Ref({}, () => ran.push(`first ${typeof second}`))];
    })();
    await collect();
    assert.deepEqual(ran, ['first object', 'second']);
    assert.ok(refs.every((r) => r.deref() === undefined));
  });

  // collect() stops after a round in which nothing that could release a weak target ran. Dropping a
  // WeakValueMap entry whose value died releases its key: an object key may be the last reference
  // to another target, so that drop must count, or collect() would return one round too early.
  test('waits for what a swept WeakValueMap entry releases: its object key', async () => {
    const ran: string[] = [];
    const map = new WeakValueMap<object, object>();
    const keyRef = (() => {
      const key = {};
      map.set(key, {});
      return new Ref(key, pusher(ran, 'key collected'));
    })();
    await collect();
    assert.equal(map.size, 0);
    assert.deepEqual(ran, ['key collected']);
    assert.equal(keyRef.deref(), undefined);
  });

  test('needs no --expose-gc: a child process without the flag collects and leaves no flag changed', () => {
    const fixture = fileURLToPath(new URL('./fixtures/gc/no-flag.js', import.meta.url));
    const child = runWithoutFlag([fixture]);
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim()), {
      startedWithGc: false,
      ran: ['first (held second)', 'second'],
      dead: [true, true],
      gcLeftInNewContexts: false,
      gcOnGlobal: false,
    });
  });

  test('the gc leak tests pass without --expose-gc (expectCollected drives collect, snapshots and whyAlive)', () => {
    const tests = fileURLToPath(new URL('./gc-expect.test.js', import.meta.url));
    const child = runWithoutFlag(['--test', tests]);
    assert.equal(child.status, 0, child.stdout + child.stderr);
    assert.match(child.stdout, /# fail 0/);
    assert.match(child.stdout, /# pass [1-9]/);
  });
});
