// The "no FinalizationRegistry" engine (as Hermes): this entry deletes the global before the
// package is imported, then checks that importing still works, that what needs no registry works,
// and that what does need one throws an Error naming the engine and the function.
// Run directly by Node, Deno and Bun; Chromium imports it and calls run().
import { detectEngine, RESULT_MARK, runAll } from './harness.mjs';
import './no-fr-suite.mjs';

export async function run() {
  delete globalThis.FinalizationRegistry;
  const engine = detectEngine();
  const lib = await import('../../dist/index.js');
  const python = await import('../../dist/python.js');
  const gcmod = await import('../../dist/gc.js');
  return runAll({ engine, lib, python, gcmod });
}

if (typeof globalThis.window !== 'object') {
  const summary = await run();
  console.log(RESULT_MARK + JSON.stringify(summary));
  console.log(`${summary.engine.name} (no FinalizationRegistry): ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (summary.failed > 0 && globalThis.process) globalThis.process.exitCode = 1;
}
