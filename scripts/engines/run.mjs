#!/usr/bin/env node
// `npm run test:engines`: runs test/engines/ on every engine and prints one summary line per engine:
//   node20: 55 passed, 0 failed
// On each engine: main.mjs (the behaviour suite, GC forced the engine's own way), no-fr.mjs (no
// FinalizationRegistry), no-flag.mjs (collect() with no GC flag) and at-exit.mjs (finalize atExit,
// twice: event loop end and process.exit()); Chromium runs the same through scripts/engines/chromium.mjs.
// An engine that cannot be started (a missing binary, no browser) counts as a failure, never a skip.
// A test is only ever "skipped" when dist/ lacks an export it needs (a branch not merged yet).
//
// Options: --only=node20,deno   run a subset
//          --verbose            print every test line, not only the failures
//          --matrix             print the support matrix (engine × feature) as markdown
//          --write-matrix       also write it to scripts/engines/MATRIX.md
// Needs dist/ built (the npm script builds it first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
/** Deno comes as its platform binary package (the wrapper's optional deps cannot be locked). */
const deno = () =>
  [join(root, 'node_modules', '@deno', 'linux-x64-glibc', 'deno'), bin('deno')].find((path) => existsSync(path)) ??
  'deno (not found: expected node_modules/@deno/linux-x64-glibc/deno from npm ci)';
const nodes = join(here, 'nodes');
const extraNode = (alias) => join(nodes, 'node_modules', alias, 'bin', 'node');
const MARK = '@@weakref-ts-engines ';
const CHILD_TIMEOUT_MS = 180_000;

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const verbose = args.includes('--verbose');
const writeMatrix = args.includes('--write-matrix');
const printMatrix = writeMatrix || args.includes('--matrix');

const machineNode = `node${process.versions.node.split('.')[0]}`;

/**
 * Each engine: how to run an entry file of test/engines/ with its own way to force GC (`command`),
 * and with no GC flag at all (`plain`, for no-flag.mjs: collect() must manage by itself).
 */
const denoRun = () => [deno(), 'run', `--allow-read=${root}`, '--no-lock', '--no-prompt']; // no deno.lock written
// What weakref-ts/gc's diagnostics need on Deno: a heap snapshot file in the temp directory (found
// through TMPDIR/TMP/TEMP) and the inspector (which Deno files under "sys"). Without them Deno throws
// its own permission error (see the engines report).
const denoDiagnostics = () => ['--allow-env=TMPDIR,TMP,TEMP', `--allow-read=${root},${tmpdir()}`, `--allow-write=${tmpdir()}`, '--allow-sys'];
const ENGINES = [
  { name: machineNode, command: () => [process.execPath, '--expose-gc'], plain: () => [process.execPath] },
  { name: 'node22', command: () => [extraNode('node22'), '--expose-gc'], plain: () => [extraNode('node22')], needsNodes: true },
  { name: 'node24', command: () => [extraNode('node24'), '--expose-gc'], plain: () => [extraNode('node24')], needsNodes: true },
  { name: 'deno', command: () => [...denoRun(), ...denoDiagnostics(), '--v8-flags=--expose-gc'], plain: denoRun },
  { name: 'bun', command: () => [bin('bun'), 'run', '--no-install'], plain: () => [bin('bun'), 'run', '--no-install'] },
  { name: 'chromium', browser: true },
].filter((engine) => !only || only.includes(engine.name) || (engine.name === machineNode && only.includes('node')));

/** The extra Node releases live in their own lockfile (scripts/engines/nodes): install them once. */
function ensureExtraNodes() {
  if (existsSync(extraNode('node22')) && existsSync(extraNode('node24'))) return undefined;
  console.log('installing Node 22 and 24 from scripts/engines/nodes/package-lock.json ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', nodes], { stdio: 'inherit' });
  return result.status === 0 ? undefined : `npm ci in ${nodes} failed (exit ${result.status})`;
}

/** Runs one entry file in a child engine; resolves to its summary or to a crash description. */
function runChild(command, entry, extraArgs = []) {
  return new Promise((resolve) => {
    const [exe, ...flags] = command;
    let output = '';
    let child;
    try {
      const args = [...flags, join(root, 'test', 'engines', entry), ...extraArgs];
      child = spawn(exe, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ crash: `could not start ${exe}: ${error.message}`, output });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ crash: `could not start ${exe}: ${error.message}`, output });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith(MARK));
      if (line === undefined) {
        resolve({ crash: `${entry} ended (exit ${code}${signal ? `, ${signal}` : ''}) without a result`, output });
      } else {
        resolve({ summary: JSON.parse(line.slice(MARK.length)), output });
      }
    });
  });
}

/**
 * Judges what test/engines/at-exit.mjs printed: both live atExit finalizers ran, newest first, and
 * neither the atExit = false nor the detached one did.
 */
export function atExitResult(output, how) {
  const name = `finalize atExit: live finalizers run newest first ${how}; atExit = false and detached ones never`;
  const skipped = /AT-EXIT skipped: (.*)/.exec(output);
  if (skipped) return { feature: 'finalize.atExit', name, ok: true, skipped: skipped[1], notes: [] };
  const ran = output.split('\n').filter((line) => line.startsWith('AT-EXIT ran')).map((line) => line.slice('AT-EXIT ran '.length));
  const ok = output.includes('AT-EXIT armed') && ran.join(',') === 'newer,older';
  return { feature: 'finalize.atExit', name, ok, notes: [], error: ok ? undefined : `ran: ${ran.join(', ') || 'nothing'}` };
}

/** Turns a child outcome into results; a crash is one failed test named after the entry file. */
function resultsOf(outcome, entry) {
  if (outcome.summary) return outcome.summary.results;
  const feature = { 'no-fr.mjs': 'no-fr', 'no-flag.mjs': 'gc.collect' }[entry] ?? 'suite';
  return [{ feature, name: outcome.crash, ok: false, error: outcome.crash }];
}

function printable(output) {
  return output
    .split('\n')
    .filter((l) => !l.startsWith(MARK) && !/^\w+( \([\w ]+\))?: \d+ passed, \d+ failed/.test(l))
    .filter((l) => verbose || !/^(ok|skipped) - /.test(l))
    .join('\n')
    .trim();
}

async function runEngine(engine, nodesProblem) {
  if (engine.needsNodes && nodesProblem) {
    return { results: [{ feature: 'suite', name: nodesProblem, ok: false, error: nodesProblem }], version: '?' };
  }
  if (engine.browser) {
    const lines = [];
    try {
      const { main, noFr, noFlag, atExit, version } = await runChromium(root, (line) => lines.push(line));
      const shown = printable(lines.join('\n'));
      if (shown) console.log(shown.replace(/^/gm, `  ${engine.name}| `));
      const exit = atExitResult(atExit, 'when the page goes away (pagehide)');
      if (!exit.ok) console.log(`  ${engine.name}| not ok - ${exit.feature}: ${exit.name}\n  ${engine.name}|     ${exit.error}`);
      return { results: [...main.results, ...noFr.results, ...noFlag.results, exit], version: `Chromium ${version}` };
    } catch (error) {
      const problem = `could not run headless Chromium (${error.message.split('\n')[0]})`;
      console.log([...lines, `not ok - ${problem}`].join('\n').replace(/^/gm, `  ${engine.name}| `));
      return { results: [{ feature: 'suite', name: problem, ok: false, error: problem }], version: '?' };
    }
  }
  const results = [];
  let version = '?';
  for (const [entry, command] of [['main.mjs', engine.command()], ['no-fr.mjs', engine.command()], ['no-flag.mjs', engine.plain()]]) {
    const outcome = await runChild(command, entry);
    const shown = printable(outcome.output);
    if (shown) console.log(shown.replace(/^/gm, `  ${engine.name}| `));
    if (outcome.summary) version = outcome.summary.engine.version;
    else console.log(`  ${engine.name}| not ok - ${outcome.crash}`);
    results.push(...resultsOf(outcome, entry));
  }
  for (const [how, args] of [['at the end of the event loop', []], ['at process.exit()', ['--exit']]]) {
    const outcome = await runChild(engine.command(), 'at-exit.mjs', args);
    const result = atExitResult(outcome.output, how);
    if (!result.ok) console.log(`  ${engine.name}| not ok - ${result.feature}: ${result.name}\n  ${engine.name}|     ${result.error}`);
    results.push(result);
  }
  return { results, version };
}

// ---- the support matrix ------------------------------------------------------------------------

const FEATURE_TITLES = {
  ref: 'ref / Ref / KeyedRef',
  'ref.callback': 'callbacks (once, newest first)',
  'ref.dropped': 'dropped Ref stays silent',
  unraisable: 'throwing callback → hook',
  counting: 'getWeakRefCount / getWeakRefs',
  typeerrors: 'TypeError naming the kind',
  engine: 'KeepDuringJob (engine fact)',
  python: 'weakref-ts/python aliases',
  'gc.collect': 'weakref-ts/gc collect()',
  collections: 'IterableWeakMap / WeakValueMap / IterableWeakSet',
  proxy: 'proxy / isProxy',
  weakmethod: 'WeakMethod',
  finalize: 'finalize',
  'finalize.atExit': 'finalize atExit (process exit / pagehide)',
  'gc.diagnostics': 'weakref-ts/gc getReferrers / retainerPath / whyAlive / expectCollected',
  'no-fr': 'no FinalizationRegistry: import works, errors name engine + function',
};

function matrix(runs) {
  const features = [];
  for (const run of runs) for (const r of run.results) if (!features.includes(r.feature)) features.push(r.feature);
  const header = `| feature | ${runs.map((run) => run.name).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---').join(' | ')} |`;
  const rows = features.map((feature) => {
    const cells = runs.map((run) => {
      const all = run.results.filter((r) => r.feature === feature);
      const mine = all.filter((r) => !r.skipped);
      if (mine.length === 0) return all.length ? 'not built' : '—';
      const failed = mine.filter((r) => !r.ok).length;
      // Notes of passing tests only: they label engine-specific expectations that held.
      const notes = [...new Set(mine.filter((r) => r.ok).flatMap((r) => r.notes ?? []))];
      const mark = failed === 0 ? `✅ ${mine.length}/${mine.length}` : `❌ ${mine.length - failed}/${mine.length}`;
      return notes.length ? `${mark} (${notes.join('; ')})` : mark;
    });
    return `| ${FEATURE_TITLES[feature] ?? feature} | ${cells.join(' | ')} |`;
  });
  const versions = runs.map((run) => `- ${run.name}: ${run.version}`).join('\n');
  // One line per failing test, with the engines it fails on (the first error shown).
  const failing = new Map();
  for (const run of runs) {
    for (const r of run.results.filter((result) => !result.ok)) {
      const key = `${r.feature}: ${r.name}`;
      const entry = failing.get(key) ?? { engines: [], error: r.error };
      entry.engines.push(run.name);
      failing.set(key, entry);
    }
  }
  const failures = [...failing].map(([key, { engines, error }]) => `- ${key} — ${engines.join(', ')}: \`${String(error).split('\n')[0].slice(0, 160)}\``);
  const skipped = [...new Set(runs.flatMap((run) => run.results.filter((r) => r.skipped).map((r) => `- ${r.feature}: ${r.name} (${r.skipped})`)))];
  return (
    `${header}\n${rule}\n${rows.join('\n')}\n\nEngines:\n${versions}\n` +
    (failures.length ? `\nFailing tests:\n${failures.join('\n')}\n` : '\nNo failing test.\n') +
    (skipped.length ? `\nSkipped on every engine (export not in this build):\n${skipped.join('\n')}\n` : '')
  );
}

function commit() {
  const head = spawnSync('git', ['log', '-1', '--format=%h %s'], { cwd: root, encoding: 'utf8' });
  return head.status === 0 ? `\`${head.stdout.trim()}\`` : 'unknown';
}

// ---- main ----------------------------------------------------------------------------------------

const started = Date.now();
const nodesProblem = ENGINES.some((e) => e.needsNodes) ? ensureExtraNodes() : undefined;
const runs = [];
for (const engine of ENGINES) {
  const t0 = Date.now();
  const { results, version } = await runEngine(engine, nodesProblem);
  const skipped = results.filter((r) => r.skipped).length;
  const passed = results.filter((r) => r.ok && !r.skipped).length;
  runs.push({ name: engine.name, version, results, passed, skipped, failed: results.length - passed - skipped, ms: Date.now() - t0 });
}

if (printMatrix) {
  const table = matrix(runs);
  console.log(`\n${table}`);
  if (writeMatrix) {
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(
      join(here, 'MATRIX.md'),
      `# Support matrix (engine × feature)\n\nFilled by \`node scripts/engines/run.mjs --write-matrix\` on ${date}` +
        ` (${process.platform}-${process.arch}) at commit ${commit()}. Each cell: tests passed / tests run for` +
        ` that feature; notes in brackets are engine-specific expectations the tests asserted.\n\n${table}`,
    );
  }
}

const skippedNames = [...new Set(runs.flatMap((run) => run.results.filter((r) => r.skipped).map((r) => `${r.feature}: ${r.name} (${r.skipped})`)))];
if (skippedNames.length > 0) {
  console.log(`\nskipped on every engine because dist/ does not have them yet:\n${skippedNames.map((n) => `  - ${n}`).join('\n')}`);
}
console.log('');
const counts = (run) => `${run.passed} passed, ${run.failed} failed${run.skipped ? `, ${run.skipped} skipped` : ''}`;
for (const run of runs) console.log(`${run.name}: ${counts(run)}`);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const run of runs) for (const key of Object.keys(total)) total[key] += run[key];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`(${runs.length} engines in ${seconds(Date.now() - started)}: ${runs.map((run) => `${run.name} ${seconds(run.ms)}`).join(', ')})`);
console.log(`engines: ${counts(total)}`);
const failed = total.failed;
process.exitCode = failed > 0 ? 1 : 0;
