import { execFile } from 'node:child_process';
import { packageRoot } from './child.js';

export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <args>` asynchronously in the package root (so files there import 'weakref-ts' by
 * name), with no inherited NODE_OPTIONS and no FORCE_COLOR unless `env` sets it: the child must
 * behave as it does for a user, whatever flags the test runner has.
 */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...env };
  if (!('FORCE_COLOR' in env)) delete childEnv['FORCE_COLOR'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: packageRoot, env: childEnv, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
