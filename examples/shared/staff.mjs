// The Worker and Manager shared by examples/manager.mjs and examples/find-leak.mjs.

export class Worker {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }
}

export class Manager {
  /**
   * @param {Map<string, Worker>} workers where the manager keeps its workers: a Map (strong) or a
   *   WeakValueMap (weak); both have the Map interface
   */
  constructor(workers) {
    this.workers = workers;
  }
  /** @param {string} name */
  hire(name) {
    const worker = new Worker(name);
    this.workers.set(name, worker);
    return worker;
  }
  names() {
    return `[${[...this.workers.keys()].join(', ')}]`;
  }
}
