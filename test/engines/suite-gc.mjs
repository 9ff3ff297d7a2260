// weakref-ts/gc's heap diagnostics on every engine. API.md: Node >= 20 answers; Deno and Bun where
// their APIs allow; everywhere else each function throws an Error naming itself and the engine,
// never a silent no-op. So on Node every function must answer; elsewhere each must answer
// correctly or throw that Error (the note in the matrix says which).
import { assert, test } from './harness.mjs';

const ENGINE_IN_MESSAGE = /\b(Node|Deno|Bun) \d|Chrome\//;
const DIAGNOSTICS = ['gc:getReferrers', 'gc:getReferents', 'gc:retainerPath', 'gc:whyAlive'];

test('gc.diagnostics', 'getReferrers, getReferents, retainerPath, whyAlive: real answers, or an Error naming function and engine', (t) => {
  const target = { diagnosed: true };
  const holder = { target };
  globalThis.__weakrefTsDiagHolder = holder;
  const works = [];
  const unsupported = [];
  try {
    const checks = {
      getReferrers: [target, (found) => Array.isArray(found) && found.includes(holder)],
      getReferents: [holder, (found) => Array.isArray(found) && found.includes(target)],
      retainerPath: [target, (path) => Array.isArray(path) && path.length >= 2 && path.every((s) => typeof s.holder === 'string' && typeof s.edge === 'string')],
      whyAlive: [target, (text) => typeof text === 'string' && text.includes('__weakrefTsDiagHolder')],
    };
    for (const [fn, [argument, answered]] of Object.entries(checks)) {
      let value;
      let error;
      try {
        value = t.gcmod[fn](argument);
      } catch (caught) {
        error = caught;
      }
      if (error === undefined) {
        assert.ok(answered(value), `${fn}() answered wrongly: ${String(value).slice(0, 200)}`);
        works.push(fn);
      } else {
        assert.ok(error instanceof Error, `${fn}() threw a non-Error`);
        assert.ok(error.message.includes(`${fn}`) && ENGINE_IN_MESSAGE.test(error.message), `${fn}() error must name itself and the engine: ${error.message}`);
        unsupported.push(fn);
      }
    }
  } finally {
    delete globalThis.__weakrefTsDiagHolder;
  }
  if (t.engine.name.startsWith('node')) assert.deepEqual(unsupported, [], 'Node must support every diagnostic');
  t.note(unsupported.length === 0 ? 'all answer' : works.length === 0 ? 'all throw, naming function and engine' : `throw: ${unsupported.join(', ')}`);
}, { needs: DIAGNOSTICS });

test('gc.diagnostics', 'expectCollected resolves for garbage and rejects with an Error for a leak', async (t) => {
  await t.gcmod.expectCollected(() => ({ garbage: true }));
  globalThis.__weakrefTsLeak = { leak: true };
  try {
    const error = await assert.rejects(() => t.gcmod.expectCollected(() => globalThis.__weakrefTsLeak), Error);
    if (t.engine.name.startsWith('node')) {
      assert.ok(error.message.includes('__weakrefTsLeak'), `the message holds the whyAlive chain: ${error.message}`);
    } else {
      t.note(error.message.includes('__weakrefTsLeak') ? 'leak message names the root' : 'leak reported without a chain');
    }
  } finally {
    delete globalThis.__weakrefTsLeak;
  }
}, { needs: ['gc:expectCollected'] });
