/**
 * weakref-ts/gc: Python's `gc` leak-hunting tools for Node, and what Deno and Bun allow: `collect`
 * and `expectCollected` everywhere, `retainerPath`/`whyAlive` on Node and Deno, `getReferrers`/
 * `getReferents` on Node. Elsewhere each function throws an Error that names itself, the engine and
 * the reason, never a silent no-op. Node modules are reached through `process.getBuiltinModule`,
 * so importing this entry never fails.
 * @packageDocumentation
 */
export { collect } from './gc/collect.js';
export { getReferrers, getReferents, retainerPath, whyAlive, type RetainerStep } from './gc/diagnose.js';
export { expectCollected } from './gc/expect.js';
