// Scenario 5: a registry of live instances that counts only the live ones.
// Every Connection adds itself to a class-wide IterableWeakSet. Unlike a Set, the registry does not
// keep connections alive; unlike a WeakSet, it can be counted and iterated.
// Run: node examples/registry.mjs (after npm run build)
import { IterableWeakSet } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class Connection {
  /** @type {IterableWeakSet<Connection>} every Connection that is still alive */
  static live = new IterableWeakSet();

  /** @param {string} url */
  constructor(url) {
    this.url = url;
    Connection.live.add(this);
  }
}

const report = () =>
  `${Connection.live.size} live: [${[...Connection.live].map((c) => c.url).join(', ')}]`;

const db = new Connection('postgres://db'); // kept for the whole program
function healthChecks() {
  // Short-lived connections: nothing holds them once this function returns.
  new Connection('http://a/health');
  new Connection('http://b/health');
}
healthChecks();

console.log(`before collect(): ${report()}`);
await collect();
console.log(`after collect():  ${report()}  <- the health checks were collected`);
console.log(`Connection.live.has(db): ${Connection.live.has(db)}`);
