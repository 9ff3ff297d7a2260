// Scenario 9: finding a leak.
// whyAlive() prints the chain of strong references that keeps an object alive; after the fix,
// expectCollected() proves that the object is collected (a leak test in one line).
// Run: node examples/find-leak.mjs (after npm run build)
import { WeakValueMap } from 'weakref-ts';
import { expectCollected, whyAlive } from 'weakref-ts/gc';
import { Manager } from './shared/staff.mjs';

const manager1 = new Manager(new Map());
manager1.hire('Alice');

console.log('-- why is Alice still alive? --');
console.log(whyAlive(/** @type {object} */ (manager1.workers.get('Alice'))));

console.log('-- expectCollected on the leaky manager --');
try {
  await expectCollected(() => manager1.hire('Bob'));
  console.log('expectCollected: passed (unexpected!)');
} catch (error) {
  console.log(`expectCollected: failed, as it should:\n${/** @type {Error} */ (error).message}`);
}

console.log('-- the fix: a WeakValueMap --');
const manager2 = new Manager(new WeakValueMap());
await expectCollected(() => manager2.hire('Bob'));
console.log('expectCollected: passed: Bob was collected');
console.log(`manager2 still works: ${manager2.hire('Carol').name}; ${manager1.workers.size} workers leak in manager1`);
