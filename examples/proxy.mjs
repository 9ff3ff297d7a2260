// Scenario 8: a weak proxy. It behaves like its target but does not keep it alive; once the
// target is collected, every operation on the proxy throws a ReferenceError.
// Run: node examples/proxy.mjs (after npm run build)
import { isProxy, proxy } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class Account {
  #balance = 0; // a private field: works through the proxy, because methods run on the real target
  /** @param {string} owner */
  constructor(owner) {
    this.owner = owner;
  }
  /** @param {number} amount */
  deposit(amount) {
    this.#balance += amount;
    return this.#balance;
  }
}

/** @type {Account | undefined} */
let account = new Account('alice');
let callbackRan = false;
const view = proxy(account, () => {
  callbackRan = true; // gets the (dead) proxy: do not touch it here
});

console.log(`view.owner: ${view.owner}; view.deposit(50): ${view.deposit(50)}`);
console.log(`isProxy(view): ${isProxy(view)}; isProxy(account): ${isProxy(account)}`);
console.log(`'owner' in view: ${'owner' in view}; Object.keys(view): ${JSON.stringify(Object.keys(view))}`);

account = undefined; // the proxy is now the only way to reach the account, and it is weak
await collect();
console.log(`after collect(): callback ran: ${callbackRan}`);
try {
  view.deposit(10);
} catch (error) {
  const { name, message } = /** @type {Error} */ (error);
  console.log(`view.deposit(10) threw ${name}: ${message}`);
}
