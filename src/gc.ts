/**
 * weakref-ts/gc: Python's `gc` leak-hunting tools for Node (Deno and Bun where their APIs allow;
 * elsewhere each function throws an Error that names itself and the engine).
 * @packageDocumentation
 */
export { collect } from './gc/collect.js';
export { getReferrers, getReferents, retainerPath, whyAlive, type RetainerStep } from './gc/diagnose.js';
export { expectCollected } from './gc/expect.js';
