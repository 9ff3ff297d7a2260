// finalize's atExit on a real exit: run by scripts/engines/run.mjs on each engine, which reads what
// this prints. Live finalizers with atExit run newest first; atExit = false and detached ones never.
// `--exit` ends with process.exit(0) instead of letting the event loop run dry. In Chromium the
// same arm() runs in a page, and "exit" is the page going away (pagehide).
export async function arm(print = (line) => console.log(line)) {
  const lib = await import('../../dist/index.js');
  if (typeof lib.finalize !== 'function') {
    print('AT-EXIT skipped: not in this build: finalize');
    return false;
  }
  const keep = (globalThis.__weakrefTsAtExit = [{}, {}, {}, {}]);
  lib.finalize(keep[0], (word) => print(`AT-EXIT ran ${word}`), 'older');
  lib.finalize(keep[1], (word) => print(`AT-EXIT ran ${word}`), 'newer');
  lib.finalize(keep[2], () => print('AT-EXIT ran never')).atExit = false;
  lib.finalize(keep[3], () => print('AT-EXIT ran detached')).detach();
  print('AT-EXIT armed');
  return true;
}

if (typeof globalThis.window !== 'object') {
  const armed = await arm();
  const args = globalThis.Deno?.args ?? globalThis.process?.argv ?? [];
  if (armed && args.includes('--exit')) globalThis.process.exit(0);
}
