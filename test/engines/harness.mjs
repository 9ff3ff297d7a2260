// The portable runner behind `npm run test:engines`: plain ESM with no imports, because node:test
// and node:assert do not exist in a browser, and Deno, Bun and Chromium must run the very same file.
//
// A test gets a context `t` with the engine's description and its ways to force a collection. A test
// that needs forced GC calls `t.settle()` or `t.collect()`; when the engine gives no way to force one
// those throw, so the test FAILS with the reason instead of passing on luck or being skipped.

const tests = [];

/**
 * Declares a test. `feature` is the row of the support matrix it fills (scripts/engines/MATRIX.md).
 * `fn(t)` may be async; it fails by throwing.
 *
 * `needs` lists the exports the test uses that may not be built yet (each issue lands on its own
 * branch): 'IterableWeakMap' in weakref-ts, 'gc:getReferrers' in weakref-ts/gc, 'python:WeakSet' in
 * weakref-ts/python. While one is missing from dist/ the test is reported as skipped WITH the missing
 * names, on every engine alike; it is never an engine-specific skip.
 */
export function test(feature, name, fn, { needs = [] } = {}) {
  tests.push({ feature, name, fn, needs });
}

function missingExports(env, needs) {
  return needs.filter((need) => {
    const [where, name] = need.includes(':') ? need.split(':') : ['lib', need];
    const module = where === 'gc' ? env.gcmod : where === 'python' ? env.python : env.lib;
    return module?.[name] === undefined;
  });
}

/** What engine runs this file: `{ name, family, version }`, family 'v8' or 'jsc'. */
export function detectEngine() {
  const g = globalThis;
  if (g.Bun?.version) return { name: 'bun', family: 'jsc', version: `Bun ${g.Bun.version}` };
  if (g.Deno?.version?.deno) return { name: 'deno', family: 'v8', version: `Deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})` };
  if (g.process?.versions?.node) {
    const major = g.process.versions.node.split('.')[0];
    return { name: `node${major}`, family: 'v8', version: `Node ${g.process.versions.node} (V8 ${g.process.versions.v8})` };
  }
  const ua = g.navigator?.userAgent ?? 'unknown';
  const chrome = /(?:HeadlessChrome|Chrome)\/([\d.]+)/.exec(ua);
  return { name: 'chromium', family: 'v8', version: chrome ? `Chromium ${chrome[1]}` : ua };
}

/**
 * One macrotask. V8 keeps every target that a job created a WeakRef to (or deref'd) alive until the
 * job ends ("KeepDuringJob"); only a macrotask boundary is sure to clear that set.
 */
export function macrotask() {
  return new Promise((resolve) => {
    if (typeof globalThis.setImmediate === 'function') globalThis.setImmediate(resolve);
    else if (typeof globalThis.MessageChannel === 'function' && typeof globalThis.window === 'object') {
      // Browsers clamp nested setTimeout(0) to 4 ms; a message is a macrotask without the clamp.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    } else setTimeout(resolve, 0);
  });
}

// ---- assertions (node:assert is not portable) --------------------------------------------------

export class AssertionError extends Error {
  name = 'AssertionError';
}

function show(value) {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'symbol' || typeof value === 'function') return String(value);
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export const assert = {
  ok(value, message) {
    if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
  },
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) {
      throw new AssertionError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  deepEqual(actual, expected, message) {
    const a = show(actual);
    const e = show(expected);
    if (a !== e) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${e}, got ${a}`);
  },
  /** `fn` must throw an instance of `type` whose message matches `pattern`. Returns the error. */
  throws(fn, type, pattern, message) {
    let error;
    try {
      fn();
    } catch (caught) {
      error = caught;
    }
    const what = message ? `${message}: ` : '';
    if (error === undefined) throw new AssertionError(`${what}expected ${type.name} ${pattern}, nothing was thrown`);
    if (!(error instanceof type)) {
      throw new AssertionError(`${what}expected ${type.name}, got ${error?.constructor?.name}: ${error?.message}`);
    }
    if (pattern && !pattern.test(error.message)) {
      throw new AssertionError(`${what}expected message ${pattern}, got ${show(error.message)}`);
    }
    return error;
  },
  async rejects(fn, type, pattern, message) {
    let error;
    try {
      await fn();
    } catch (caught) {
      error = caught;
    }
    return assert.throws(() => {
      if (error !== undefined) throw error;
    }, type, pattern, message);
  },
};

// ---- running ------------------------------------------------------------------------------------

/**
 * Builds the context every test gets.
 * - `forceGc()`: the engine's own way to force a full collection (Node/Deno: `gc` from
 *   --expose-gc; Bun: `Bun.gc(true)`; Chromium: CDP HeapProfiler.collectGarbage from the Node
 *   side). Throws when the engine gave none: tests needing GC must fail loudly.
 * - `syncGc`: a collection that runs inside the current job (for the KeepDuringJob test), or
 *   undefined.
 * - `settle(until)`: rounds of macrotask + forceGc + a few macrotasks, until `until()` holds
 *   (bounded); without `until`, three full rounds (for "this must NOT happen" checks, which always
 *   carry a positive control).
 */
function context(env, notes) {
  const forceGc = async () => {
    if (env.forceGc === undefined) {
      throw new Error(`${env.engine.version}: no way to force garbage collection (${env.gcMissing ?? 'not provided'})`);
    }
    await env.forceGc();
  };
  return {
    ...env,
    note(text) {
      notes.push(text);
    },
    forceGc,
    /**
     * After a collection: `died` of `total` dropped objects are gone. V8's GC is precise, so all of
     * them must be. JSC scans the stack conservatively: a stale word may keep a few alive for a
     * while, which is the engine's right; what the library must then still get right is everything
     * about the ones that did die (callers assert that separately).
     */
    expectDied(died, total, what) {
      if (env.engine.family === 'jsc') {
        notes.push('JSC: conservative stack scan may keep a dropped object alive');
        if (died < total * 0.8) throw new AssertionError(`${what}: only ${died} of ${total} died`);
      } else if (died !== total) {
        throw new AssertionError(`${what}: ${died} of ${total} died`);
      }
    },
    async settle(until, rounds = until ? 10 : 3) {
      for (let round = 0; round < rounds; round++) {
        await macrotask();
        await forceGc();
        for (let turn = 0; turn < 4; turn++) {
          await macrotask();
          if (until?.()) return;
        }
      }
      if (until && !until()) throw new AssertionError(`condition still false after ${rounds} forced collections`);
    },
  };
}

/**
 * Collects unhandled promise rejections, which the library must never leave behind (Node would
 * crash on one; a browser only logs it, so a silent failure would look like a pass).
 */
function watchRejections() {
  const seen = [];
  const record = (reason) => seen.push(reason instanceof Error ? reason.message : String(reason));
  const g = globalThis;
  if (typeof g.process?.on === 'function' && !g.Deno) {
    g.process.on('unhandledRejection', (reason) => record(reason));
  } else if (typeof g.addEventListener === 'function') {
    g.addEventListener('unhandledrejection', (event) => {
      event.preventDefault();
      record(event.reason);
    });
  }
  return seen;
}

/**
 * Runs every declared test in order; prints one line each through `log`. Returns
 * `{ engine, passed, failed, skipped, results }`; each result is `{ feature, name, ok, error?, skipped?, notes }`.
 */
export async function runAll(env, log = (line) => console.log(line)) {
  const results = [];
  const rejections = watchRejections();
  for (const { feature, name, fn, needs } of tests) {
    const missing = missingExports(env, needs);
    if (missing.length > 0) {
      results.push({ feature, name, ok: true, skipped: `not in this build: ${missing.join(', ')}`, notes: [] });
      log(`skipped - ${feature}: ${name} (not in this build: ${missing.join(', ')})`);
      continue;
    }
    const rejectedBefore = rejections.length;
    const notes = [];
    const result = { feature, name, ok: true, notes };
    try {
      await fn(context(env, notes));
    } catch (error) {
      result.ok = false;
      result.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    // Let a failed test's pending callbacks land before the next test's counts start.
    await macrotask();
    if (rejections.length > rejectedBefore && result.ok) {
      result.ok = false;
      const reasons = rejections.slice(rejectedBefore);
      result.error = `${reasons.length} unhandled promise rejection(s): ${reasons[0]}`;
    }
    results.push(result);
    const label = notes.length ? ` [${notes.join('; ')}]` : '';
    log(`${result.ok ? 'ok' : 'not ok'} - ${feature}: ${name}${label}${result.ok ? '' : `\n    ${result.error}`}`);
  }
  const skipped = results.filter((r) => r.skipped).length;
  const passed = results.filter((r) => r.ok && !r.skipped).length;
  return { engine: env.engine, passed, failed: results.length - passed - skipped, skipped, results };
}

/** The line the orchestrator (scripts/engines/run.mjs) reads from a child engine's stdout. */
export const RESULT_MARK = '@@weakref-ts-engines ';
