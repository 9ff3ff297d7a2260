import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setUnraisableHook } from 'weakref-ts';
import { runModule } from './support/child.js';

test('the default hook writes a CPython-like report with the stack to stderr, and the program carries on', () => {
  const result = runModule(`
    import { Ref } from 'weakref-ts';
    import { collect } from 'weakref-ts/gc';
    class Worker {}
    const calls = [];
    globalThis.refs = (() => {
      const w = new Worker();
      return [new Ref(w, () => calls.push('older')), new Ref(w, () => { throw new Error('callback exploded'); })];
    })();
    await collect();
    console.log('still running; other callback ran:', calls.join(','));
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /^Exception ignored in: <Ref dead>$/m);
  assert.match(result.stderr, /Error: callback exploded\n\s+at /);
  assert.match(result.stdout, /still running; other callback ran: older/);
});

test('a hook that throws is reported to stderr and never escapes', () => {
  const result = runModule(`
    import { Ref, setUnraisableHook } from 'weakref-ts';
    import { collect } from 'weakref-ts/gc';
    setUnraisableHook(() => { throw new Error('hook exploded'); });
    globalThis.r = (() => new Ref({}, () => { throw new Error('callback exploded'); }))();
    await collect();
    console.log('survived');
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /Exception ignored in the unraisable hook while reporting <Ref dead>/);
  assert.match(result.stderr, /hook exploded/);
  assert.match(result.stderr, /Exception ignored in: <Ref dead>\n[^]*callback exploded/);
  assert.match(result.stdout, /survived/);
});

test('a hook that is set replaces the report; undefined restores it', () => {
  const result = runModule(`
    import { Ref, setUnraisableHook } from 'weakref-ts';
    import { collect } from 'weakref-ts/gc';
    const seen = [];
    setUnraisableHook((u) => seen.push(u.kind + ':' + u.error.message + ':' + (u.source === globalThis.r)));
    globalThis.r = (() => new Ref({}, () => { throw new Error('first'); }))();
    await collect();
    setUnraisableHook(undefined);
    globalThis.s = (() => new Ref({}, () => { throw new Error('second'); }))();
    await collect();
    console.log(JSON.stringify(seen));
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), JSON.stringify(['callback:first:true']));
  assert.doesNotMatch(result.stderr, /first/);
  assert.match(result.stderr, /Exception ignored in: <Ref dead>\n[^]*second/);
});

test('setUnraisableHook rejects a non-function and keeps the hook it had', () => {
  assert.throws(() => setUnraisableHook(42 as never), {
    name: 'TypeError',
    message: "Cannot set the unraisable hook: the callback must be a function or undefined, not a 'number' value",
  });
});
