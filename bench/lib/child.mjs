// Starting a measurement child: shared by the runner (bench/run.mjs) and the confirmation of its
// misses (bench/confirm.mjs).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from './util.mjs';

const childDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'child');

/**
 * Runs one child (a script in bench/child/) to completion with --expose-gc and returns the JSON
 * object it reported, or an error record.
 */
export function runChild(script, childArgs) {
  return new Promise((resolve) => {
    const argv = ['--expose-gc', join(childDir, script), ...childArgs.map(String)];
    const proc = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_MARK.length)));
      else resolve({ error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`, script, args: childArgs });
    });
  });
}
