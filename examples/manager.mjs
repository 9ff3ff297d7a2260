// Scenario 1: a manager that holds its workers.
// With a Map, a worker the program has finished with can never be freed: the manager keeps it.
// With a WeakValueMap, the manager forgets a worker as soon as nobody else uses it.
// Run: node examples/manager.mjs (after npm run build)
import { WeakValueMap } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';
import { Manager } from './shared/staff.mjs';

/** Hires workers and lets go of them at once: the program keeps no reference of its own. */
function hireAndForget(/** @type {Manager} */ manager, /** @type {string[]} */ ...names) {
  for (const name of names) manager.hire(name);
}

console.log('-- the leak: a Map holds every worker strongly --');
const leaky = new Manager(new Map());
hireAndForget(leaky, 'Alice', 'Bob');
console.log(`before collect(): manager holds ${leaky.names()}`);
await collect();
console.log(`after collect():  manager holds ${leaky.names()}  <- still there: the Map keeps them alive`);

console.log('-- the fix: a WeakValueMap holds them weakly --');
const fixed = new Manager(new WeakValueMap());
hireAndForget(fixed, 'Charlie');
const david = fixed.hire('David'); // still in use by the program
console.log(`before collect(): manager holds ${fixed.names()}`);
await collect();
console.log(`after collect():  manager holds ${fixed.names()}  <- Charlie was collected, David is in use`);
console.log(`size ${fixed.workers.size}; David still works: ${david.name}`);
