// weakref-ts/gc's collect() on an engine started WITHOUT --expose-gc (API.md: "collect() needs no
// --expose-gc flag"; elsewhere an Error naming the function and the engine). Node, Deno and Bun
// must collect; a browser page without window.gc must throw that Error. Run directly by Node, Deno
// and Bun with no flag; Chromium imports it in a browser started without --js-flags and calls run().
import { assert, detectEngine, RESULT_MARK, runAll, test } from './harness.mjs';

test('gc.collect', 'collect() without --expose-gc: collects where the engine allows, else an Error naming engine and collect()', async (t) => {
  assert.equal(typeof globalThis.gc, 'undefined', 'this run must not have a global gc');
  const calls = [];
  const r = (() => new t.lib.Ref({}, () => calls.push('called back')))();
  if (t.engine.name === 'chromium') {
    t.note('browser: throws, naming engine and collect()');
    const error = await assert.rejects(() => t.gcmod.collect(), Error, /collect\(\)/);
    assert.ok(/Chrome\//.test(error.message), `names the engine: ${error.message}`);
    return;
  }
  await t.gcmod.collect();
  assert.equal(r.deref(), undefined, 'the target was collected');
  assert.deepEqual(calls, ['called back']);
});

export async function run() {
  const lib = await import('../../dist/index.js');
  const python = await import('../../dist/python.js');
  const gcmod = await import('../../dist/gc.js');
  return runAll({ engine: detectEngine(), lib, python, gcmod });
}

if (typeof globalThis.window !== 'object') {
  const summary = await run();
  console.log(RESULT_MARK + JSON.stringify(summary));
  console.log(`${summary.engine.name} (no gc flag): ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (summary.failed > 0 && globalThis.process) globalThis.process.exitCode = 1;
}
