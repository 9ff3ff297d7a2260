// Entry for the engines that run a file directly: Node (run with --expose-gc), Deno (run with
// --v8-flags=--expose-gc) and Bun. Imports the built package by path (dist/), runs the suite,
// prints one line per test and then one machine-readable line for scripts/engines/run.mjs.
import { detectEngine, RESULT_MARK, runAll } from './harness.mjs';
import './all.mjs';

const engine = detectEngine();
const lib = await import('../../dist/index.js');
const python = await import('../../dist/python.js');
const gcmod = await import('../../dist/gc.js');

// The engine's own way to force a full collection, chosen here and not in the library, so that the
// suite does not rely on the code under test to prove it.
let syncGc;
let gcMissing;
if (typeof globalThis.Bun?.gc === 'function') {
  syncGc = () => globalThis.Bun.gc(true);
} else if (typeof globalThis.gc === 'function') {
  const gc = globalThis.gc;
  syncGc = () => gc();
} else {
  gcMissing = engine.name === 'deno' ? 'run Deno with --v8-flags=--expose-gc' : 'run Node with --expose-gc';
}

const summary = await runAll({
  engine,
  lib,
  python,
  gcmod,
  syncGc,
  gcMissing,
  forceGc: syncGc && (async () => syncGc()),
  collect: () => gcmod.collect(),
});
console.log(RESULT_MARK + JSON.stringify(summary));
console.log(`${engine.name}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
if (summary.failed > 0 && typeof globalThis.process?.exit === 'function') globalThis.process.exitCode = 1;
