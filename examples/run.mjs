// `npm run example -- <name>`: runs one example (by name, file name or number) in a child process,
// exactly as `node examples/<name>.mjs` would; without a name, lists them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findScenario, scenarios } from './scenarios.mjs';

const wanted = process.argv[2];
const scenario = wanted === undefined ? undefined : findScenario(wanted);
if (scenario === undefined) {
  if (wanted !== undefined) console.error(`Unknown example: ${wanted}`);
  console.error('Usage: npm run example -- <name>   (or: node examples/<name>.mjs)');
  scenarios.forEach((s, i) => console.error(`  ${String(i + 1).padStart(2)}  ${s.name.padEnd(10)} ${s.title}`));
  process.exit(wanted === undefined ? 0 : 2);
}
const file = fileURLToPath(new URL(`${scenario.name}.mjs`, import.meta.url));
const { status } = spawnSync(process.execPath, [file, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(status ?? 1);
