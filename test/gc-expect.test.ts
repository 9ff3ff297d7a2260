import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectCollected } from 'weakref-ts/gc';
import { Worker, makeTree, manager1, openView, bus } from './fixtures/gc/leaks.js';

describe('expectCollected: a leak test in one line', () => {
  test('resolves for a collectable object and for a cycle freed as a whole', async () => {
    await expectCollected(() => new Worker('temp'));
    await expectCollected(makeTree);
  });

  test('rejects with the whyAlive chain (and the given message) when the object leaked', async () => {
    await assert.rejects(
      expectCollected(() => manager1.addWorker('Carol'), { message: 'Manager must release removed workers' }),
      (error: Error) => {
        assert.equal(
          error.message,
          [
            'Manager must release removed workers: Worker is still alive after collect()',
            'Worker',
            "← Map value for key 'Carol'",
            '← Manager.workers',
            '← manager1 (module variable)',
          ].join('\n'),
        );
        return true;
      },
    );
    manager1.removeWorker('Carol');
  });

  test('without a message, the headline names what leaked', async () => {
    await assert.rejects(expectCollected(() => openView('drafts')), {
      message: /^expected View to be collected: View is still alive after collect\(\)\nView\n← function onData captured variable 'view'\n/,
    });
    bus.removeAllListeners('data');
  });

  test('bad input is a TypeError naming the kind of value', async () => {
    await assert.rejects(expectCollected(42 as never), { name: 'TypeError', message: /'number' value/ });
    await assert.rejects(expectCollected(() => 'text' as never), { name: 'TypeError', message: /'string' value/ });
    await assert.rejects(expectCollected(() => Promise.resolve({})), { name: 'TypeError', message: /Promise/ });
  });
});
