import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { getWeakRefCount, getWeakRefs, isRef, Ref, setUnraisableHook, WeakMethod, type Unraisable } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class View {
  readonly lines: string[] = [];
  #prefix = '>';
  onData(line: string): number {
    this.lines.push(`${this.#prefix} ${line}`);
    return this.lines.length;
  }
  [Symbol.for('weakref-ts.test.method')](): string {
    return 'symbol-keyed';
  }
}

describe('WeakMethod: calling through it', () => {
  it('deref() calls the method with this = owner, by function or by name', () => {
    const view = new View();
    const byName = new WeakMethod(view, 'onData');
    const byFunction = new WeakMethod(view, View.prototype.onData);
    assert.equal(byName.deref()?.('one'), 1);
    assert.equal(byFunction.deref()?.('two'), 2);
    assert.deepEqual(view.lines, ['> one', '> two']);
    const bySymbol = new WeakMethod(view, Symbol.for('weakref-ts.test.method'));
    assert.equal(bySymbol.deref()?.(), 'symbol-keyed');
  });

  it('is a Ref to the method, counted for both the method and the owner', () => {
    const view = new View();
    const wm = new WeakMethod(view, 'onData');
    assert.ok(wm instanceof Ref);
    assert.ok(isRef(wm));
    assert.equal(getWeakRefCount(view), 1);
    assert.deepEqual(getWeakRefs(view), [wm]);
    assert.ok(getWeakRefs(View.prototype.onData).includes(wm));
    assert.equal(String(wm), '<WeakMethod to View.onData>');
  });

  it('types: a WeakMethod of a specific method fits a Ref<object> and a WeakMethod of any method', () => {
    const view = new View();
    const specific = new WeakMethod(view, view.onData);
    const asRef: Ref<object> = specific;
    const general: WeakMethod<(...args: never[]) => unknown> = specific;
    const result: number | undefined = specific.deref()?.('typed');
    assert.equal(result, 1);
    assert.equal(asRef.deref() === undefined, general.deref() === undefined);
  });

  it('returns the same function while the caller holds it', () => {
    const view = new View();
    const wm = new WeakMethod(view, 'onData');
    const first = wm.deref();
    assert.equal(wm.deref(), first);
  });
});

describe('WeakMethod: weakness', () => {
  it('dies with its owner (the method lives on), calling back once', async () => {
    const calls: unknown[] = [];
    const wm = (() => new WeakMethod(new View(), 'onData', (dead) => calls.push(dead)))();
    assert.ok(wm.deref(), 'alive in the creating job');
    await collect();
    assert.equal(wm.deref(), undefined);
    assert.deepEqual(calls, [wm]);
    assert.equal(wm.callback, undefined);
    assert.equal(String(wm), '<WeakMethod dead>');
    await collect();
    assert.equal(calls.length, 1);
  });

  it('dies with its method while the owner lives, calling back once', async () => {
    const calls: unknown[] = [];
    const owner = { n: 5 };
    const wm = (() =>
      new WeakMethod(
        owner,
        function (this: { n: number } | undefined) {
          return this?.n;
        },
        (dead) => calls.push(dead),
      ))();
    assert.equal((wm.deref() as (() => number) | undefined)?.(), 5);
    await collect();
    assert.equal(wm.deref(), undefined);
    assert.deepEqual(calls, [wm]);
    assert.equal(owner.n, 5);
  });

  it('does not keep alive an owner whose stored arrow function captures it', async () => {
    const calls: string[] = [];
    // Made outside the function below: a closure made there would share its V8 context, which
    // holds `owner` because the arrow captures it, and the WeakMethod holds its callback strongly.
    const onGone = (): void => {
      calls.push('owner gone');
    };
    const wm = (() => {
      const owner: { count: number; handler?: () => number } = { count: 0 };
      owner.handler = () => ++owner.count;
      return new WeakMethod(owner, 'handler', onGone);
    })();
    assert.equal(wm.deref()?.(), 1);
    await collect();
    assert.deepEqual(calls, ['owner gone']);
    assert.equal(wm.deref(), undefined);
  });

  it('the function deref() returned does not keep the owner alive once dropped', async () => {
    const calls: string[] = [];
    const wm = (() => new WeakMethod(new View(), 'onData', () => calls.push('gone')))();
    (() => {
      const bound = wm.deref();
      bound?.('used once');
    })();
    await collect();
    assert.deepEqual(calls, ['gone']);
  });

  it('does not call back when the WeakMethod itself was dropped first', async () => {
    const calls: string[] = [];
    const keep: { view?: View } = { view: new View() };
    (() => {
      new WeakMethod(keep.view!, 'onData', () => calls.push('dropped'));
    })();
    await collect();
    delete keep.view;
    await collect();
    assert.deepEqual(calls, []);
  });

  it('sends a throwing callback to the unraisable hook with the WeakMethod as source', async () => {
    const seen: Unraisable[] = [];
    setUnraisableHook((u) => seen.push(u));
    try {
      const wm = (() =>
        new WeakMethod(new View(), 'onData', () => {
          throw new Error('callback failed');
        }))();
      await collect();
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.kind, 'callback');
      assert.equal(seen[0]?.source, wm);
    } finally {
      setUnraisableHook(undefined);
    }
  });
});

describe('WeakMethod: as a weak event listener', () => {
  /** Subscribes `view.onData` without the emitter keeping the view alive; unsubscribes when it dies. */
  function subscribe(emitter: EventEmitter, view: View): WeakMethod<View['onData']> {
    const wm: WeakMethod<View['onData']> = new WeakMethod(view, 'onData', () => emitter.off('data', listener));
    const listener = (line: string): void => {
      wm.deref()?.(line);
    };
    emitter.on('data', listener);
    return wm;
  }

  it('with EventEmitter: delivers while the view lives, then unsubscribes itself', async () => {
    const emitter = new EventEmitter();
    const kept = new View();
    subscribe(emitter, kept);
    const wm = (() => {
      const transient = new View();
      const made = subscribe(emitter, transient);
      emitter.emit('data', 'hello');
      assert.deepEqual(transient.lines, ['> hello']);
      return made;
    })();
    assert.equal(emitter.listenerCount('data'), 2);
    await collect();
    assert.equal(wm.deref(), undefined);
    assert.equal(emitter.listenerCount('data'), 1);
    emitter.emit('data', 'again');
    assert.deepEqual(kept.lines, ['> hello', '> again']);
  });

  it('with EventTarget', async () => {
    const events = new EventTarget();
    let removed = 0;
    const calls: string[] = [];
    const wm = (() => {
      const handler = { name: 'h', handle(this: { name: string }, event: Event): void {
        calls.push(`${this.name}:${event.type}`);
      } };
      const weak = new WeakMethod(handler, 'handle', () => {
        events.removeEventListener('ping', listener);
        removed++;
      });
      const listener = (event: Event): void => weak.deref()?.(event);
      events.addEventListener('ping', listener);
      events.dispatchEvent(new Event('ping'));
      return weak;
    })();
    await collect();
    assert.equal(wm.deref(), undefined);
    assert.equal(removed, 1);
    events.dispatchEvent(new Event('ping'));
    assert.deepEqual(calls, ['h:ping']);
  });
});

describe('WeakMethod: input checks', () => {
  it('names what it cannot use', () => {
    const view = new View();
    assert.throws(() => new WeakMethod(view, 'missing'), {
      name: 'TypeError',
      message: "Cannot create a WeakMethod: the owner's missing is a 'undefined' value, not a function",
    });
    assert.throws(() => new WeakMethod(view, 'lines'), { name: 'TypeError', message: /'object' value, not a function/ });
    assert.throws(() => new WeakMethod(1 as unknown as object, 'toFixed'), { name: 'TypeError', message: /not a 'number' value/ });
    assert.throws(() => new WeakMethod(Symbol() as unknown as object, 'toString'), { name: 'TypeError', message: /not a 'symbol' value/ });
    assert.throws(() => new WeakMethod(view, {} as unknown as string), { name: 'TypeError', message: /not a 'object' value/ });
    assert.throws(() => new WeakMethod(view, 'onData', 3 as unknown as () => void), { name: 'TypeError', message: /'number'/ });
    assert.equal(getWeakRefCount(view), 0, 'nothing was recorded');
  });
});
