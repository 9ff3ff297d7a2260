import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, test } from 'node:test';
import { IterableWeakMap, IterableWeakSet, Ref, WeakValueMap } from 'weakref-ts';
import { collect, getReferents, retainerPath, whyAlive } from 'weakref-ts/gc';
import {
  Counter,
  Session,
  bus,
  clearImages,
  loadImage,
  makeIncrement,
  makeTree,
  manager1,
  openView,
  registerPlugin,
  startPolling,
  unregisterPlugins,
} from './fixtures/gc/leaks.js';

/** Survivors live here between jobs. */
const keep = globalThis as unknown as Record<string, unknown>;

function snapshotFiles(): number {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(`weakref-ts-gc-${process.pid}-`)).length;
}

function lines(text: string): string[] {
  return text.split('\n');
}

describe('whyAlive / retainerPath: the seeds\' leak scenarios, chain content asserted', () => {
  test('a manager holding workers in a Map (module variable, Map value, property)', () => {
    const worker = manager1.addWorker('Alice');
    assert.equal(
      whyAlive(worker),
      ['Worker', "← Map value for key 'Alice'", '← Manager.workers', '← manager1 (module variable)'].join('\n'),
    );
    manager1.removeWorker('Alice');
  });

  test('retainerPath gives the same chain as steps, target first', () => {
    const worker = manager1.addWorker('Bob');
    assert.deepEqual(retainerPath(worker), [
      { holder: 'Map', edge: "value for key 'Bob'" },
      { holder: 'Manager', edge: '.workers' },
      { holder: '(module variable)', edge: 'manager1' },
    ]);
    manager1.removeWorker('Bob');
  });

  test('an event emitter holding a listener closure', () => {
    const view = openView('inbox');
    assert.deepEqual(lines(whyAlive(view)), [
      'View',
      "← function onData captured variable 'view'",
      '← Object.data',
      '← EventEmitter._events',
      '← bus (module variable)',
    ]);
    bus.removeAllListeners('data');
  });

  test('a cache object (odd property names are quoted) inside a non-exported module variable', () => {
    const image = loadImage('a.png');
    assert.deepEqual(lines(whyAlive(image)), ['Image', "← Object['a.png']", '← Object.entries', '← imageCache (module variable)']);
    clearImages();
  });

  test('a module-level registry array', () => {
    const plugin = registerPlugin('p1');
    const globals = Reflect.ownKeys(globalThis).length;
    const files = snapshotFiles();
    assert.deepEqual(lines(whyAlive(plugin)), ['Plugin', '← Array[0]', '← plugins (module variable)']);
    unregisterPlugins();
    assert.equal(Reflect.ownKeys(globalThis).length, globals, 'no temporary global left behind');
    assert.equal(snapshotFiles(), files, 'no snapshot file left behind');
  });

  test('a closure capturing the object, held from globalThis', () => {
    keep.increment = makeIncrement();
    const captured = getReferents(keep.increment as object);
    assert.equal(captured.length, 1);
    assert.ok(captured[0] instanceof Counter);
    assert.deepEqual(retainerPath(captured[0]!), [
      { holder: 'function increment', edge: "captured variable 'self'" },
      { holder: 'globalThis', edge: '.increment' },
    ]);
    delete keep.increment;
  });

  test('a setInterval callback holding it, until the interval is cleared', async () => {
    let stop: () => void = () => {};
    // Nothing but the timer holds the session: it survives a collection...
    const session = (() => {
      const s = new Session();
      stop = startPolling(s);
      return new Ref(s);
    })();
    let chain: string[] = [];
    try {
      await collect();
      chain = lines(whyAlive(session.deref()!));
    } finally {
      stop();
      // stop() closes over startPolling's scope, which V8 shares with poll(): it holds the session too.
      stop = () => {};
    }
    assert.deepEqual(chain.slice(0, 3), ['Session', "← function poll captured variable 'session'", '← Timeout._onTimeout']);
    // ...and is collected once the interval is cleared.
    await collect();
    assert.equal(session.deref(), undefined);
  });

  test('a tree whose child points to its parent is freed as a whole: no path', async () => {
    assert.equal(retainerPath(makeTree()), undefined);
    const r = (() => new Ref(makeTree()))();
    await collect();
    assert.equal(r.deref(), undefined);
  });
});

describe('retainerPath: weak holders and the call itself never keep anything alive', () => {
  test('undefined for an object held only weakly: WeakRef, WeakMap key, WeakSet, FinalizationRegistry, and this library\'s Ref, WeakValueMap, IterableWeakMap and IterableWeakSet', () => {
    const target = { only: 'weak' };
    keep.weakRef = new WeakRef(target);
    keep.weakMap = new WeakMap([[target, 'value']]);
    keep.weakSet = new WeakSet([target]);
    keep.ref = new Ref(target);
    keep.valueMap = new WeakValueMap([['t', target]]);
    keep.keyMap = new IterableWeakMap([[target, { payload: 1 }]]);
    keep.weakSetOfOurs = new IterableWeakSet([target]);
    keep.registry = new FinalizationRegistry(() => {});
    (keep.registry as FinalizationRegistry<unknown>).register(target, 'held');
    assert.equal(retainerPath(target), undefined);
    assert.match(whyAlive(target), /^Object\n\(nothing but weak references and this call hold it/);
    for (const k of ['weakRef', 'weakMap', 'weakSet', 'ref', 'valueMap', 'keyMap', 'weakSetOfOurs', 'registry']) delete keep[k];
  });

  test('a WeakMap value is reported through its key, never as held by the map itself', () => {
    const key = { role: 'key' };
    const value = { role: 'value' };
    keep.wm = new WeakMap([[key, value]]);
    keep.key = key;
    assert.deepEqual(retainerPath(value), [
      { holder: 'WeakMap', edge: 'value for key <Object>' },
      { holder: 'globalThis', edge: '.key' },
    ]);
    delete keep.key;
    assert.equal(retainerPath(value), undefined, 'with the key gone, the map alone holds nothing');
    delete keep.wm;
  });

  test('a primitive is a TypeError naming its kind', () => {
    assert.throws(() => retainerPath(1 as never), { name: 'TypeError', message: /'number' value/ });
    assert.throws(() => whyAlive(null as never), { name: 'TypeError', message: /'null' value/ });
  });
});
