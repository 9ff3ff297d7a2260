// The guided tour behind `npm start`: runs every example in its own Node process, with a heading,
// what to look at, and the example's real output. `node examples/tour.mjs cache proxy` runs a few.
// Colour only on a terminal, never with NO_COLOR set (https://no-color.org); FORCE_COLOR forces it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findScenario, scenarios } from './scenarios.mjs';

const { FORCE_COLOR, NO_COLOR, TERM } = process.env;
const colour =
  FORCE_COLOR !== undefined && FORCE_COLOR !== ''
    ? FORCE_COLOR !== '0' && FORCE_COLOR !== 'false'
    : !NO_COLOR && process.stdout.isTTY === true && TERM !== 'dumb';
const paint = (/** @type {string} */ code) => (/** @type {string} */ text) =>
  colour ? `\x1b[${code}m${text}\x1b[0m` : text;
const bold = paint('1');
const cyan = paint('1;36');
const dim = paint('2');
const yellow = paint('33');
const red = paint('31');

/** Wraps `text` to `width` columns, every line starting with `indent`. */
function wrap(/** @type {string} */ text, /** @type {string} */ indent, width = 100) {
  const lines = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? scenarios : wanted.map((w) => findScenario(w));
const unknown = wanted.filter((_, i) => chosen[i] === undefined);
if (unknown.length > 0) {
  console.error(`Unknown example: ${unknown.join(', ')}. Choose from: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

console.log(bold('weakref-ts: a guided tour'));
console.log(
  wrap(
    'Each scenario below is a short program in examples/. It runs in a Node process of its own, ' +
      'without --expose-gc, prints what it sees, and calls `await collect()` from weakref-ts/gc between ' +
      '"before" and "after": JavaScript never collects synchronously, so that is the moment things disappear.',
    '',
  ),
);

const failed = [];
for (const scenario of /** @type {import('./scenarios.mjs').Scenario[]} */ (chosen)) {
  const number = scenarios.indexOf(scenario) + 1;
  const file = `examples/${scenario.name}.mjs`;
  console.log('');
  console.log(cyan(`=== ${number}/${scenarios.length}  ${scenario.title}`));
  console.log(dim(`    ${file}   (alone: npm run example -- ${scenario.name})`));
  console.log(yellow(wrap(`Look at: ${scenario.look}`, '    ')));
  const child = spawnSync(process.execPath, [fileURLToPath(new URL(`${scenario.name}.mjs`, import.meta.url))], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: undefined },
  });
  const output = child.stdout.trimEnd();
  if (output) console.log(output.replace(/^/gm, '    | '));
  if (child.status !== 0) {
    failed.push(scenario.name);
    const missing = /does not provide an export named '(\w+)'/.exec(child.stderr);
    const why = missing
      ? `needs ${missing[1]}, which this build of weakref-ts does not export yet`
      : child.stderr.trimEnd() || `exit code ${child.status}`;
    console.log(red(why.replace(/^/gm, '    ! ')));
  }
}

console.log('');
if (failed.length === 0) {
  console.log(bold(`All ${chosen.length} scenarios ran. Each one also runs alone: npm run example -- <name>.`));
} else {
  console.log(red(`${failed.length} of ${chosen.length} scenarios failed: ${failed.join(', ')}`));
  process.exitCode = 1;
}
