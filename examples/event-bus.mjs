// Scenario 4: an event bus that holds its listeners weakly.
// A bus that keeps `listener.onEvent.bind(listener)` keeps every listener alive for ever. Holding a
// WeakMethod instead (owner and method both weak) lets a dropped listener be collected; its
// WeakMethod's callback then removes the subscription, and the listener stops receiving events.
// Run: node examples/event-bus.mjs (after npm run build)
import { WeakMethod } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class EventBus {
  /** @type {Set<WeakMethod<(event: string) => void>>} */
  #subscriptions = new Set();

  /**
   * @param {object} listener
   * @param {PropertyKey} method name of the listener's method to call
   */
  subscribe(listener, method) {
    // The callback runs after the listener was collected: the dead subscription removes itself.
    this.#subscriptions.add(new WeakMethod(listener, method, (dead) => this.#subscriptions.delete(dead)));
  }

  /** @param {string} event @returns {number} how many listeners received it */
  emit(event) {
    let delivered = 0;
    for (const subscription of this.#subscriptions) {
      const handler = subscription.deref(); // undefined once the listener was collected
      if (handler === undefined) continue;
      handler(event);
      delivered++;
    }
    return delivered;
  }

  get subscriptionCount() {
    return this.#subscriptions.size;
  }
}

class Logger {
  /** @param {string} event */
  onEvent(event) {
    console.log(`  logger saw '${event}'`);
  }
}

class Counter {
  seen = 0;
  /** @param {string} event */
  onEvent(event) {
    this.seen++;
    console.log(`  counter saw '${event}' (${this.seen} so far)`);
  }
}

const bus = new EventBus();
const logger = new Logger();
/** @type {Counter | undefined} */
let counter = new Counter();
bus.subscribe(logger, 'onEvent');
bus.subscribe(counter, 'onEvent');

console.log(`emit('boot'): delivered to ${bus.emit('boot')}`);
counter = undefined; // the program is done with the counter; only the bus knew about it
console.log(`emit('ping'): delivered to ${bus.emit('ping')}  <- dropped, but not collected yet`);
console.log(`before collect(): ${bus.subscriptionCount} subscriptions`);
await collect();
console.log(`after collect():  ${bus.subscriptionCount} subscription  <- the counter's removed itself`);
console.log(`emit('tick'): delivered to ${bus.emit('tick')}  <- the dropped counter no longer receives`);
console.log(`(the logger is still subscribed: ${logger instanceof Logger})`);
