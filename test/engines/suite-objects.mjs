// proxy, WeakMethod and finalize on every engine.
import { assert, test } from './harness.mjs';

const DEAD = /^weakly-referenced object no longer exists$/;

// ---- proxy --------------------------------------------------------------------------------------

test('proxy', 'a proxy forwards every operation; methods are bound to the real target (#private, Map, Date)', (t) => {
  const { proxy, isProxy, getWeakRefCount, getWeakRefs } = t.lib;
  class Counter {
    #n = 0;
    inc() {
      return ++this.#n;
    }
    get n() {
      return this.#n;
    }
  }
  const counter = new Counter();
  const p = proxy(counter);
  p.inc();
  assert.equal(p.inc(), 2, '#private through the proxy');
  assert.equal(p.n, 2);
  p.extra = 5;
  assert.equal(counter.extra, 5, 'set');
  assert.ok('extra' in p, 'has');
  assert.deepEqual(Object.keys(p), ['extra']);
  delete p.extra;
  assert.ok(!('extra' in counter), 'delete');
  assert.equal(Object.getPrototypeOf(p), Counter.prototype);
  const map = new Map();
  const pm = proxy(map);
  pm.set('a', 1);
  assert.ok(map.get('a') === 1 && pm.size === 1, 'Map through the proxy');
  assert.equal(proxy(new Date(0)).getTime(), 0, 'Date through the proxy');
  assert.ok(isProxy(p) && !isProxy(counter) && !isProxy({}));
  assert.equal(getWeakRefCount(counter), 1);
  assert.equal(getWeakRefs(counter)[0], p);
}, { needs: ['proxy', 'isProxy'] });

test('proxy', 'a function gives a callable, constructible proxy', (t) => {
  const double = (x) => x * 2;
  assert.equal(t.lib.proxy(double)(21), 42);
  class Point {
    constructor(x) {
      this.x = x;
    }
  }
  const P = t.lib.proxy(Point);
  assert.equal(new P(3).x, 3);
}, { needs: ['proxy'] });

test('proxy', 'the proxy never keeps its target alive; once collected every operation throws ReferenceError', async (t) => {
  const calls = [];
  const [p, pf] = (() => [t.lib.proxy({ a: 1 }, (dead) => calls.push(dead)), t.lib.proxy(() => 1, (dead) => calls.push(dead))])();
  await t.settle(() => calls.length === 2);
  assert.ok(calls.includes(p) && calls.includes(pf), 'the callback gets the proxy');
  assert.throws(() => p.a, ReferenceError, DEAD, 'get');
  assert.throws(() => {
    p.b = 2;
  }, ReferenceError, DEAD, 'set');
  assert.throws(() => 'a' in p, ReferenceError, DEAD, 'has');
  assert.throws(() => Object.keys(p), ReferenceError, DEAD, 'keys');
  assert.throws(() => pf(), ReferenceError, DEAD, 'call');
}, { needs: ['proxy'] });

// ---- WeakMethod ---------------------------------------------------------------------------------

test('weakmethod', 'WeakMethod calls the method with this = owner, by name or by function', (t) => {
  const { WeakMethod, isRef } = t.lib;
  class Greeter {
    constructor(name) {
      this.name = name;
    }
    greet(greeting) {
      return `${greeting} ${this.name}`;
    }
  }
  const ada = new Greeter('Ada');
  const byName = new WeakMethod(ada, 'greet');
  const byFunction = new WeakMethod(ada, ada.greet);
  assert.equal(byName.deref()('hi'), 'hi Ada');
  assert.equal(byFunction.deref()('hello'), 'hello Ada');
  assert.ok(isRef(byName) && byName instanceof t.lib.Ref);
}, { needs: ['WeakMethod'] });

test('weakmethod', 'an arrow stored on its owner that captures it does not keep the owner alive', async (t) => {
  const calls = [];
  // The owner is made in its own function: a callback created in the scope that the arrow captures
  // would share V8's closure context and keep the owner alive itself.
  const makeOwner = () => {
    const owner = { name: 'o' };
    owner.handler = () => owner.name;
    return owner;
  };
  const wm = new t.lib.WeakMethod(makeOwner(), 'handler', (dead) => calls.push(dead));
  await t.settle(() => calls.length === 1);
  assert.equal(calls[0], wm);
  assert.equal(wm.deref(), undefined);
}, { needs: ['WeakMethod'] });

test('weakmethod', 'a WeakMethod is dead once its method is collected, while the owner lives', async (t) => {
  const owner = { name: 'lives' };
  const wm = (() => {
    owner.m = function m() {
      return this.name;
    };
    const made = new t.lib.WeakMethod(owner, 'm');
    owner.m = undefined;
    return made;
  })();
  await t.settle(() => wm.deref() === undefined);
  assert.equal(owner.name, 'lives');
}, { needs: ['WeakMethod'] });

// ---- finalize -----------------------------------------------------------------------------------

test('finalize', 'fn runs once with its args after collection, even when the Finalizer was dropped', async (t) => {
  const calls = [];
  (() => {
    t.lib.finalize({}, (a, b) => calls.push([a, b]), 1, 'x');
  })();
  await t.settle(() => calls.length === 1);
  await t.settle();
  assert.deepEqual(calls, [[1, 'x']]);
}, { needs: ['finalize'] });

test('finalize', 'invoke, peek and detach; a detached finalizer never runs', async (t) => {
  const { finalize } = t.lib;
  const target = {};
  const f = finalize(target, (x) => x * 2, 21);
  const info = f.peek();
  assert.ok(info.target === target && info.args[0] === 21 && f.alive, 'peek looks and stays alive');
  assert.equal(f.invoke(), 42);
  assert.ok(!f.alive && f.invoke() === undefined && f.peek() === undefined && f.detach() === undefined, 'dead after invoke');
  const ran = [];
  (() => {
    const doomed = {};
    const detached = finalize(doomed, () => ran.push('detached'));
    const parts = detached.detach();
    assert.ok(parts.target === doomed && !detached.alive);
  })();
  (() => finalize({}, () => ran.push('control')))();
  await t.settle(() => ran.includes('control'));
  await t.settle();
  assert.deepEqual(ran, ['control']);
}, { needs: ['finalize'] });

test('finalize', 'finalize throws a TypeError when fn or an arg is the target itself', (t) => {
  const { finalize } = t.lib;
  const fnTarget = () => {};
  assert.throws(() => finalize(fnTarget, fnTarget), TypeError);
  const o = {};
  assert.throws(() => finalize(o, () => {}, 1, o), TypeError);
  assert.throws(() => finalize(1, () => {}), TypeError, /'number'/);
}, { needs: ['finalize'] });

test('finalize', 'a throwing finalizer goes to the hook as kind "finalizer" with the Finalizer as source', async (t) => {
  const seen = [];
  t.lib.setUnraisableHook((u) => seen.push(u));
  try {
    const f = (() =>
      t.lib.finalize({}, () => {
        throw new Error('fin boom');
      }))();
    await t.settle(() => seen.length === 1);
    assert.equal(seen[0].kind, 'finalizer');
    assert.equal(seen[0].source, f);
    assert.equal(seen[0].error.message, 'fin boom');
  } finally {
    t.lib.setUnraisableHook(undefined);
  }
}, { needs: ['finalize'] });

test('gc.collect', 'collect() runs a finalizer whose args held the last reference to another finalized object, and that one too', async (t) => {
  const ran = [];
  const innerRef = (() => {
    const inner = {};
    t.lib.finalize(inner, () => ran.push('inner'));
    t.lib.finalize({}, () => ran.push('outer'), inner);
    return new WeakRef(inner);
  })();
  await t.collect();
  const innerDied = innerRef.deref() === undefined;
  t.expectDied(innerDied ? 1 : 0, 1, 'the object the outer finalizer released');
  assert.deepEqual(ran, innerDied ? ['outer', 'inner'] : ['outer'], 'a dead object\'s finalizer had run');
}, { needs: ['finalize'] });

test('python', "weakref-ts/python: proxy, WeakMethod and finalize are the same objects", (t) => {
  assert.equal(t.python.proxy, t.lib.proxy);
  assert.equal(t.python.WeakMethod, t.lib.WeakMethod);
  assert.equal(t.python.finalize, t.lib.finalize);
}, { needs: ['proxy', 'WeakMethod', 'finalize', 'python:proxy', 'python:WeakMethod', 'python:finalize'] });
