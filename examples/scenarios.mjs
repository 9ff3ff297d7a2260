// The guided tour's table of contents: one entry per example, in the order the tour shows them.
// Used by tour.mjs (npm start), run.mjs (npm run example -- <name>) and test/examples.test.ts.

/** @typedef {{ name: string, title: string, look: string }} Scenario */

/** @type {Scenario[]} */
export const scenarios = [
  {
    name: 'manager',
    title: 'A manager that holds its workers: the leak with a Map, the fix with WeakValueMap',
    look: 'After collect(), the Map still holds Alice and Bob although the program dropped them. The WeakValueMap lost Charlie (dropped) and kept David (in use).',
  },
  {
    name: 'cache',
    title: 'A cache that does not keep its values alive (WeakValueMap.getOrInsertComputed)',
    look: 'The texture in use stays cached and is loaded once; the one used once is collected, leaves the cache, and is loaded again when asked for.',
  },
  {
    name: 'tree',
    title: 'A tree whose parent pointers are ref()s, freed as a whole',
    look: 'With strong parent pointers one leaf keeps all 6 nodes alive. With ref() parents only the leaf survives, its parent reads as undefined, and dropping the leaf frees everything.',
  },
  {
    name: 'event-bus',
    title: 'An event bus with weak listeners (WeakMethod)',
    look: "A dropped listener still gets 'ping': nothing is collected until the collector runs. After collect() its subscription removed itself and 'tick' reaches only the logger.",
  },
  {
    name: 'registry',
    title: 'A registry of live instances (IterableWeakSet)',
    look: 'size and iteration count only the connections that are still alive.',
  },
  {
    name: 'metadata',
    title: 'Per-object metadata without leaks (IterableWeakMap)',
    look: "bob's entry references bob itself, yet it disappears with bob: the value does not keep its key alive.",
  },
  {
    name: 'lifecycle',
    title: 'A lifecycle observer: Ref callbacks and finalize with atExit',
    look: 'Callbacks report the collected jobs by name. The scratch finalizer runs once its TempFile is collected; /tmp/log is cleaned up at exit; /tmp/cache (atExit = false) is not.',
  },
  {
    name: 'proxy',
    title: 'A weak proxy, and the ReferenceError after collection',
    look: 'The proxy forwards methods (even ones using #private fields) while the account lives, and throws ReferenceError once it is collected.',
  },
  {
    name: 'find-leak',
    title: 'Finding a leak: whyAlive, the fix, and expectCollected',
    look: 'Read the chain from the bottom up: a module variable holds the Manager, whose Map holds the Worker. After the fix, expectCollected passes.',
  },
];

/** @param {string} nameOrNumber `cache`, `cache.mjs` or `2` */
export function findScenario(nameOrNumber) {
  const wanted = nameOrNumber.replace(/\.mjs$/, '');
  const index = /^\d+$/.test(wanted) ? Number(wanted) - 1 : scenarios.findIndex((s) => s.name === wanted);
  return scenarios[index];
}
