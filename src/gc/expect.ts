import { describeTarget } from '../internal/describe.js';
import { kindOf } from '../internal/holdable.js';
import { collect } from './collect.js';
import { whyAlive } from './diagnose.js';

/**
 * Calls `make`, keeps only a WeakRef to what it returned, and returns that, so that the caller's
 * frame never holds the object itself (a separate function: its frame is gone when it returns).
 */
function weakly(make: () => object): { ref: WeakRef<object>; name: string } {
  const made: unknown = make();
  if ((typeof made !== 'object' || made === null) && typeof made !== 'function') {
    throw new TypeError(`Cannot expect a '${kindOf(made)}' value to be collected: make() must return an object or function`);
  }
  if (made instanceof Promise) {
    throw new TypeError('Cannot expect a Promise to be collected: make() must be synchronous and return the object itself');
  }
  return { ref: new WeakRef(made), name: describeTarget(made) };
}

/**
 * A leak test in one line: calls `make()`, drops what it returned, runs {@link collect}, and
 * resolves if that object was collected. If it survived, rejects with an Error whose message holds
 * `options.message` (if given) and the {@link whyAlive} chain that keeps it alive. Works in any
 * test runner: it only needs `await`.
 *
 * GC semantics: `make` runs synchronously, and only a WeakRef to its result is kept; the object
 * must be unreachable once `make` has returned (everything `make` set up that still holds it is
 * exactly what the chain shows). No `--expose-gc` flag is needed (see {@link collect}).
 *
 * @param make creates the object and wires it up the way the code under test does
 * @param options.message a headline for the failure, e.g. what should have released it
 * @returns resolves once the object was collected
 * @throws TypeError (rejected) when `make` is not a function or returns a primitive or a Promise;
 *   Error (rejected) with the retainer chain when the object survived
 * @example
 * ```ts
 * import { expectCollected } from 'weakref-ts/gc';
 * class Worker { constructor(readonly name: string) {} }
 * class Manager {
 *   readonly workers = new Map<string, Worker>();
 *   addWorker(name: string): Worker {
 *     const worker = new Worker(name);
 *     this.workers.set(name, worker);
 *     return worker;
 *   }
 * }
 * export const manager = new Manager();
 * await expectCollected(() => new Worker('Alice')); // passes
 * const failure = await expectCollected(() => manager.addWorker('Bob'), { message: 'Manager must not keep workers' })
 *   .then(() => undefined, (error: Error) => error.message);
 * // failure: "Manager must not keep workers: Worker is still alive after collect()
 * //           Worker
 * //           ← Map value for key 'Bob'
 * //           ← Manager.workers
 * //           ← manager (module variable)"
 * ```
 */
export async function expectCollected(make: () => object, options: { message?: string } = {}): Promise<void> {
  if (typeof make !== 'function') {
    throw new TypeError(`Cannot expect collection: make must be a function, not a '${kindOf(make)}' value`);
  }
  const message = options?.message;
  const { ref, name } = weakly(make);
  await collect();
  if (ref.deref() === undefined) return;
  // deref() in this job keeps the object until the job ends: whyAlive does not count that hold.
  let chain: string;
  try {
    chain = whyAlive(ref.deref() ?? {});
  } catch (error) {
    chain = `(no retainer chain: ${error instanceof Error ? error.message : String(error)})`;
  }
  const headline = `${message === undefined ? `expected ${name} to be collected` : message}: ${name} is still alive after collect()`;
  throw new Error(`${headline}\n${chain}`);
}
