// Scenario 7: observing object lifecycles.
// Part 1: Ref callbacks. An observer counts the jobs that are still alive; each job's KeyedRef
//         carries the job's name, so the callback knows which one was collected.
// Part 2: finalize. Cleanup that must happen once an object is gone, or at exit if it never goes.
// Run: node examples/lifecycle.mjs (after npm run build)
import { KeyedRef, finalize } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class Job {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
  }
}

class LifecycleObserver {
  /** @type {Set<KeyedRef<object, string>>} */
  #refs = new Set();
  /** @type {string[]} */
  collected = [];

  /** @param {object} target @param {string} name */
  watch(target, name) {
    // The observer holds the Refs (a dropped Ref never calls back); the Refs do not hold the targets.
    this.#refs.add(
      new KeyedRef(target, (dead) => {
        this.#refs.delete(dead);
        this.collected.push(dead.key);
      }, name),
    );
  }

  get alive() {
    return this.#refs.size;
  }
}

console.log('-- part 1: Ref callbacks --');
const observer = new LifecycleObserver();
const keeper = new Job('job-3'); // still running
function runShortJobs() {
  for (const name of ['job-1', 'job-2']) observer.watch(new Job(name), name);
}
runShortJobs();
observer.watch(keeper, keeper.name);
console.log(`before collect(): ${observer.alive} alive, collected [${observer.collected.join(', ')}]`);
await collect();
console.log(`after collect():  ${observer.alive} alive, collected [${observer.collected.sort().join(', ')}]  <- ${keeper.name} runs on`);

console.log('-- part 2: finalize --');
class TempFile {
  /** @param {string} path */
  constructor(path) {
    this.path = path;
  }
}
/** The cleanup: gets the path, never the TempFile itself (that would keep it alive for ever). */
function removeFile(/** @type {string} */ path, /** @type {string} */ when) {
  console.log(`  finalizer: removed ${path} (${when})`);
  return path;
}

function scratchWork() {
  const scratch = new TempFile('/tmp/scratch');
  return finalize(scratch, removeFile, scratch.path, 'its TempFile was collected');
}
const scratchFinalizer = scratchWork();

const log = new TempFile('/tmp/log'); // lives until the end of the program
const logFinalizer = finalize(log, removeFile, log.path, 'at exit');

const cacheFile = new TempFile('/tmp/cache'); // also lives to the end, but must survive the exit
const cacheFinalizer = finalize(cacheFile, removeFile, cacheFile.path, 'at exit');
cacheFinalizer.atExit = false;

const lock = new TempFile('/tmp/lock');
const lockFinalizer = finalize(lock, removeFile, lock.path, 'invoked by hand');

console.log(`before collect(): scratch finalizer alive: ${scratchFinalizer.alive}`);
await collect();
console.log(`after collect():  scratch finalizer alive: ${scratchFinalizer.alive}`);
console.log(`done with ${lock.path}: lockFinalizer.invoke() returned ${lockFinalizer.invoke()}; alive now: ${lockFinalizer.alive}`);
console.log(`a second invoke() returns ${lockFinalizer.invoke()}: a finalizer runs at most once`);
console.log(`still alive at the end: ${log.path} (atExit ${logFinalizer.atExit}), ${cacheFile.path} (atExit ${cacheFinalizer.atExit})`);
console.log('end of program; the exit runs the live finalizers that have atExit:');
