import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { finalize, proxy, Ref, setUnraisableHook, type Finalizer, type Unraisable } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';
import { packageRoot } from './support/child.js';

class Worker {
  constructor(readonly name: string) {}
}

// The fixture stays in the source tree (plain .mjs): compiled into build/test it would be run as a test file.
const fixtures = new URL('../../test/fixtures/', import.meta.url);

function runFixture(mode: string, name = 'finalize-at-exit.mjs'): { status: number | null; stdout: string[]; stderr: string } {
  const child = spawnSync(process.execPath, [fileURLToPath(new URL(name, fixtures)), mode], { cwd: packageRoot, encoding: 'utf8', timeout: 120_000 });
  return { status: child.status, stdout: child.stdout.split('\n').filter(Boolean), stderr: child.stderr };
}

/** A finalizer on a target that only the inner function referenced. */
function orphanFinalizer<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): Finalizer<A, unknown> {
  return finalize(new Worker('orphan'), fn, ...args);
}

describe('finalize: at collection', () => {
  it('runs fn(...args) once after the target is collected, even if the program dropped the Finalizer', async () => {
    const calls: unknown[][] = [];
    (() => {
      orphanFinalizer((...args: unknown[]) => calls.push(args), 1, 'two');
    })();
    await collect();
    assert.deepEqual(calls, [[1, 'two']]);
    await collect();
    assert.equal(calls.length, 1);
  });

  it('is dead after running, and says so', async () => {
    const f = orphanFinalizer(() => 'done');
    assert.equal(f.alive, true);
    assert.equal(f.atExit, true);
    assert.equal(String(f), '<Finalizer for Worker>');
    assert.equal(inspect(f), '<Finalizer for Worker>');
    await collect();
    assert.equal(f.alive, false);
    assert.equal(f.atExit, false);
    assert.equal(f.invoke(), undefined);
    assert.equal(f.peek(), undefined);
    assert.equal(f.detach(), undefined);
    assert.equal(String(f), '<Finalizer dead>');
  });

  it('sends a throwing finalizer to the unraisable hook with the Finalizer as source', async () => {
    const seen: Unraisable[] = [];
    const ran: string[] = [];
    setUnraisableHook((u) => seen.push(u));
    try {
      const boom = new Error('boom');
      const failing = orphanFinalizer(() => {
        throw boom;
      });
      orphanFinalizer(() => ran.push('other'));
      await collect();
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.error, boom);
      assert.equal(seen[0]?.kind, 'finalizer');
      assert.equal(seen[0]?.source, failing);
      assert.deepEqual(ran, ['other']);
    } finally {
      setUnraisableHook(undefined);
    }
  });

  it('runs a finalizer whose args held the last reference to another finalized object in the same collect()', async () => {
    const ran: string[] = [];
    (() => {
      const inner = new Worker('inner');
      finalize(inner, () => ran.push('inner'));
      // The outer finalizer's args are the only thing keeping `inner` alive.
      orphanFinalizer((held: Worker) => ran.push(`outer released ${held.name}`), inner);
    })();
    await collect();
    assert.deepEqual(ran, ['outer released inner', 'inner']);
  });

  it('calls back newest first across Refs, proxies and finalizers on one target', async () => {
    const order: string[] = [];
    const keep: unknown[] = [];
    (() => {
      const target = new Worker('shared');
      keep.push(new Ref(target, () => order.push('ref 1')));
      finalize(target, () => order.push('finalizer 2'));
      keep.push(proxy(target, () => order.push('proxy 3')));
      keep.push(new Ref(target, () => order.push('ref 4')));
      finalize(target, () => order.push('finalizer 5'));
    })();
    await collect();
    assert.deepEqual(order, ['finalizer 5', 'ref 4', 'proxy 3', 'finalizer 2', 'ref 1']);
  });
});

describe('finalize: invoke, detach, peek', () => {
  it('invoke() runs now, returns the result, and never again', async () => {
    let runs = 0;
    const f = orphanFinalizer((x: number) => {
      runs++;
      return x * 2;
    }, 21);
    assert.equal(f.invoke(), 42);
    assert.equal(f.alive, false);
    assert.equal(f.invoke(), undefined);
    await collect();
    assert.equal(runs, 1);
  });

  it('invoke() lets an error from fn reach the caller (Python\'s __call__), and the Finalizer is dead', () => {
    const target = new Worker('w');
    const f = finalize(target, () => {
      throw new Error('now');
    });
    assert.throws(() => f.invoke(), /now/);
    assert.equal(f.alive, false);
  });

  it('peek() looks without detaching; detach() stops fn from ever running', async () => {
    let runs = 0;
    const target = new Worker('kept');
    const fn = (a: string, b: number): void => {
      runs += b;
      void a;
    };
    const f = finalize(target, fn, 'x', 1);
    const look = f.peek();
    assert.deepEqual(look, { target, fn, args: ['x', 1] });
    assert.notEqual(f.peek(), look, 'a fresh object each time');
    look!.args[0] = 'changed';
    assert.deepEqual(f.peek()?.args, ['x', 1], 'a copy of the arguments');
    assert.equal(f.alive, true);
    const detached = f.detach();
    assert.deepEqual(detached, { target, fn, args: ['x', 1] });
    assert.equal(f.alive, false);
    assert.equal(f.detach(), undefined);
    assert.equal(f.peek(), undefined);
    assert.equal(f.invoke(), undefined);
    assert.equal(runs, 0);
  });

  it('a detached Finalizer does not run at collection', async () => {
    let runs = 0;
    const f = orphanFinalizer(() => runs++);
    assert.ok(f.detach());
    await collect();
    assert.equal(runs, 0);
  });

  it('after detach() or a run it holds neither fn nor args', async () => {
    const target = new Worker('alive throughout');
    const refs: { detachedArg?: WeakRef<object>; detachedFn?: WeakRef<object>; invokedArg?: WeakRef<object>; invokedFn?: WeakRef<object> } = {};
    const finalizers: object[] = [];
    (() => {
      const arg1 = { big: 'arg of detached' };
      const fn1 = (x: object): object => x;
      refs.detachedArg = new WeakRef(arg1);
      refs.detachedFn = new WeakRef(fn1);
      const f1 = finalize(target, fn1, arg1);
      f1.detach();
      finalizers.push(f1);
      const arg2 = { big: 'arg of invoked' };
      const fn2 = (x: object): object => x;
      refs.invokedArg = new WeakRef(arg2);
      refs.invokedFn = new WeakRef(fn2);
      const f2 = finalize(target, fn2, arg2);
      f2.invoke();
      finalizers.push(f2);
    })();
    await collect();
    assert.equal(refs.detachedArg?.deref(), undefined);
    assert.equal(refs.detachedFn?.deref(), undefined);
    assert.equal(refs.invokedArg?.deref(), undefined);
    assert.equal(refs.invokedFn?.deref(), undefined);
    assert.equal(finalizers.length, 2, 'the Finalizers themselves are still held');
    assert.equal(target.name, 'alive throughout');
  });

  it('in the gap between collection and its callback, detach() returns undefined and fn still runs', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    assert.ok(gc, 'run with --expose-gc');
    // A natural collection (and its callbacks) between the two jobs below would close the gap
    // before we look, so try a few times; one clean attempt is all the test needs.
    for (let attempt = 0; attempt < 5; attempt++) {
      let runs = 0;
      const f = orphanFinalizer(() => runs++);
      await new Promise((resolve) => setImmediate(resolve)); // let the creating job's KeepDuringJob set go
      gc();
      if (!f.alive) continue;
      // Finalization callbacks run in a later task: the target is gone, the Finalizer not yet run.
      assert.equal(f.peek(), undefined);
      assert.equal(f.detach(), undefined);
      assert.equal(f.alive, true);
      await collect();
      assert.equal(runs, 1);
      assert.equal(f.alive, false);
      return;
    }
    assert.fail('a natural collection closed the gap in all 5 attempts');
  });

  it('atExit is a settable flag, true by default', () => {
    const f = finalize(new Worker('x'), () => {});
    assert.equal(f.atExit, true);
    f.atExit = false;
    assert.equal(f.atExit, false);
    f.atExit = true;
    assert.equal(f.atExit, true);
    f.detach();
  });
});

describe('finalize: types', () => {
  // A compile-time check: `npm test` type-checks this file before running it.
  it('a specific Finalizer fits a list of any Finalizers', () => {
    const target = new Worker('typed');
    const specific: Finalizer<[number, string], number> = finalize(target, (n: number, s: string) => n + s.length, 1, 'ab');
    const all: Array<Finalizer<unknown[], unknown>> = [specific, finalize(target, () => 'x')];
    assert.equal(all[0]?.peek()?.fn(2, 'abc'), 5);
    for (const f of all) f.detach();
  });
});

describe('finalize: input checks', () => {
  it('throws a TypeError when fn or one of args is the target itself', () => {
    const target = function self(): void {};
    assert.throws(() => finalize(target, target), { name: 'TypeError', message: /fn is the target itself/ });
    const obj = new Worker('o');
    assert.throws(() => finalize(obj, (...args: unknown[]) => args, 1, obj), {
      name: 'TypeError',
      message: 'Cannot finalize: args[1] is the target itself, so the target could never be collected',
    });
  });

  it('names what it cannot use', () => {
    assert.throws(() => finalize(1 as unknown as object, () => {}), { name: 'TypeError', message: "cannot create weak reference to 'number' value" });
    assert.throws(() => finalize(Symbol.for('r'), () => {}), { name: 'TypeError', message: "cannot create weak reference to 'registered symbol' value" });
    assert.throws(() => finalize({}, 'close' as unknown as () => void), {
      name: 'TypeError',
      message: "Cannot finalize: fn must be a function, not a 'string' value",
    });
  });

  it('accepts a non-registered symbol as target', async () => {
    let runs = 0;
    (() => {
      finalize(Symbol('temporary'), () => runs++);
    })();
    await collect();
    assert.equal(runs, 1);
  });
});

describe('finalize: at process exit (child process)', () => {
  const expected = ['e (invoked before exit)', 'main done'];
  const atExit = ['e', 'd', 'created during exit', 'a'];

  it('runs live atExit finalizers newest first when the event loop ends; a throwing one is reported and the rest run', () => {
    const { status, stdout, stderr } = runFixture('natural');
    assert.equal(status, 0, stderr);
    assert.deepEqual(stdout, [...expected, 'last task', ...atExit]);
    assert.match(stderr, /^Exception ignored in: <Finalizer for Worker>\nError: c failed\n/);
  });

  it('runs them on process.exit() too', () => {
    const { status, stdout, stderr } = runFixture('exit');
    assert.equal(status, 0, stderr);
    assert.deepEqual(stdout, [...expected, ...atExit]);
    assert.match(stderr, /Exception ignored in: <Finalizer for Worker>\nError: c failed/);
  });

  it('runs them at the exit after an uncaught exception too (CPython runs them at shutdown after a traceback)', () => {
    const { status, stdout, stderr } = runFixture('uncaught');
    assert.equal(status, 1);
    assert.deepEqual(stdout, [...expected, ...atExit]);
    assert.match(stderr, /uncaught in the program/);
  });

  it('hands a throwing exit finalizer to the unraisable hook with the Finalizer as source', () => {
    const { status, stdout, stderr } = runFixture('hook');
    assert.equal(status, 0, stderr);
    assert.deepEqual(stdout, [...expected, 'last task', 'e', 'd', 'created during exit', 'hook: finalizer true <Finalizer dead> c failed', 'a']);
    assert.equal(stderr, '');
  });

  it('without a global process (a browser), runs them on pagehide unless the page is kept in the back/forward cache', () => {
    const { status, stdout, stderr } = runFixture('', 'finalize-pagehide.mjs');
    assert.equal(status, 0, stderr);
    assert.deepEqual(stdout, ['page kept in the back/forward cache', 'third', 'first', 'page left', 'second pagehide']);
  });
});
