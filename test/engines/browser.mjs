// Entry for headless Chromium (driven by scripts/engines/chromium.mjs). The page loads this module
// from a loopback http server that serves dist/ and test/engines/.
// - forceGc: `window.__weakrefTsForceGc`, a binding the Node side answers with the DevTools
//   protocol's HeapProfiler.collectGarbage (a real full collection, between tasks).
// - syncGc: `window.gc`, present because the browser was started with --js-flags=--expose-gc; only
//   the KeepDuringJob test and the library's own collect() use it.
import { detectEngine, runAll } from './harness.mjs';
import './all.mjs';

export async function run() {
  const engine = detectEngine();
  const lib = await import('../../dist/index.js');
  const python = await import('../../dist/python.js');
  const gcmod = await import('../../dist/gc.js');
  const cdpGc = globalThis.__weakrefTsForceGc;
  const windowGc = globalThis.gc;
  return runAll({
    engine,
    lib,
    python,
    gcmod,
    syncGc: typeof windowGc === 'function' ? () => windowGc() : undefined,
    forceGc: typeof cdpGc === 'function' ? () => cdpGc() : undefined,
    gcMissing: 'the page has no CDP collectGarbage binding or window.gc (--js-flags=--expose-gc)',
    collect: () => gcmod.collect(),
  });
}
