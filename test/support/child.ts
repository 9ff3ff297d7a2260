import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The package root, so that child scripts can import 'weakref-ts' by name from there. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs an ES module given as source text in a fresh `node` whose working directory is the package
 * root, so the script imports the package by name exactly as a user would.
 */
export function runModule(source: string, nodeArgs: string[] = ['--expose-gc']): ChildResult {
  const result = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', source], {
    cwd: packageRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
