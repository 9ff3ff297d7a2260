// Scenario 6: metadata attached to objects you do not own, without leaking them.
// An IterableWeakMap is a WeakMap you can iterate and count: the metadata lives exactly as long as
// its object. Even metadata that points back at its own object does not keep the entry alive.
// Run: node examples/metadata.mjs (after npm run build)
import { IterableWeakMap } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class Session {
  /** @param {string} user */
  constructor(user) {
    this.user = user;
  }
}

/** @typedef {{ session: Session, requests: number }} Stats */
/** @type {IterableWeakMap<Session, Stats>} */
const stats = new IterableWeakMap();

/** Counts a request without touching the Session object itself. */
function track(/** @type {Session} */ session) {
  // The value references its own key: a Map, or CPython's WeakKeyDictionary, would leak here.
  stats.getOrInsertComputed(session, (s) => ({ session: s, requests: 0 })).requests++;
}

const report = () =>
  `size ${stats.size}: [${[...stats].map(([s, v]) => `${s.user}: ${v.requests}`).join(', ')}]`;

const alice = new Session('alice'); // still logged in
track(alice);
track(alice);
function visit() {
  const bob = new Session('bob'); // logs out: nothing holds bob after this function
  track(bob);
}
visit();
track(alice);

console.log(`before collect(): ${report()}`);
await collect();
console.log(`after collect():  ${report()}  <- bob's entry went with bob`);
console.log(`stats.get(alice).requests: ${stats.get(alice)?.requests}`);
