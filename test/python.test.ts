import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as main from 'weakref-ts';
import * as py from 'weakref-ts/python';
import { collect } from 'weakref-ts/gc';

describe('weakref-ts/python', () => {
  it('exports the very same objects under Python\'s names', () => {
    assert.equal(py.ref, main.ref);
    assert.equal(py.ReferenceType, main.Ref);
    assert.equal(py.KeyedRef, main.KeyedRef);
    assert.equal(py.proxy, main.proxy);
    assert.equal(py.getweakrefcount, main.getWeakRefCount);
    assert.equal(py.getweakrefs, main.getWeakRefs);
    assert.equal(py.WeakMethod, main.WeakMethod);
    assert.equal(py.finalize, main.finalize);
    assert.equal(py.WeakKeyDictionary, main.IterableWeakMap);
    assert.equal(py.WeakValueDictionary, main.WeakValueMap);
    assert.equal(py.WeakSet, main.IterableWeakSet);
    assert.notEqual(py.WeakSet, globalThis.WeakSet, 'Python\'s WeakSet is iterable: not the native one');
  });

  it('exports nothing but aliases and the two proxy type markers', () => {
    const markers = new Set(['ProxyType', 'CallableProxyType', 'ProxyTypes']);
    const mainValues = new Set<unknown>(Object.values(main));
    for (const [name, value] of Object.entries(py)) {
      if (markers.has(name)) continue;
      assert.ok(mainValues.has(value), `${name} is re-exported from weakref-ts`);
    }
  });

  it('ProxyType and CallableProxyType classify our proxies with instanceof', () => {
    const plain = py.proxy({});
    const callable = py.proxy(() => 1);
    assert.ok(plain instanceof (py.ProxyType as unknown as Function));
    assert.equal(callable instanceof (py.ProxyType as unknown as Function), false);
    assert.ok(callable instanceof (py.CallableProxyType as unknown as Function));
    assert.equal(plain instanceof (py.CallableProxyType as unknown as Function), false);
    assert.equal(new Proxy({}, {}) instanceof (py.ProxyType as unknown as Function), false);
    assert.equal((() => 1) instanceof (py.CallableProxyType as unknown as Function), false);
    assert.deepEqual(py.ProxyTypes, [py.ProxyType, py.CallableProxyType]);
    assert.equal(String(py.ProxyType), "<class 'weakref.ProxyType'>");
  });

  it('reads like the Python module', async () => {
    class Worker {
      constructor(readonly name: string) {}
    }
    const log: string[] = [];
    const alice = new Worker('Alice');
    const r = py.ref(alice);
    assert.equal(r.deref(), alice);
    assert.equal(py.ref(alice), r);
    const p = py.proxy(alice);
    assert.equal(p.name, 'Alice');
    assert.equal(py.getweakrefcount(alice), 2);
    assert.ok(r instanceof py.ReferenceType);
    (() => {
      const temp = new Worker('temp');
      py.finalize(temp, (name: string) => log.push(`finalized ${name}`), 'temp');
    })();
    const byName = new py.WeakValueDictionary<string, Worker>();
    const extra = new py.WeakKeyDictionary<Worker, string>();
    const seen = new py.WeakSet<Worker>();
    (() => {
      const bob = new Worker('Bob');
      byName.set('Bob', bob);
      extra.set(bob, 'temporary');
      seen.add(bob);
    })();
    byName.set('Alice', alice);
    extra.set(alice, 'staff');
    seen.add(alice);
    await collect();
    assert.deepEqual(log, ['finalized temp']);
    assert.deepEqual([...byName.keys()], ['Alice']);
    assert.deepEqual([...extra.values()], ['staff']);
    assert.deepEqual([...seen].map((w) => w.name), ['Alice']);
  });
});
