import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import { IterableWeakSet } from 'weakref-ts';
import { packageRoot } from './support/child.js';
import { CleanupWitness, collect, gcBeforeCleanup, obj, turns } from './support/coll.js';

type O = { id: number | string };

describe('IterableWeakSet: the Set interface', () => {
  it('is assignable to Set and ReadonlySet (type check) and tags itself', () => {
    const s = new IterableWeakSet<O>();
    const asSet: Set<O> = s;
    const asReadonly: ReadonlySet<O> = s;
    assert.equal(asSet, asReadonly);
    assert.equal(String(s), '[object IterableWeakSet]');
    assert.equal(s[Symbol.toStringTag], 'IterableWeakSet');
  });

  it('stays assignable to Set/ReadonlySet/Map in a consumer whose lib has the ES2025 Set methods (ESNext; this project itself compiles with ES2022)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weakref-ts-coll-types-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(packageRoot, join(dir, 'node_modules', 'weakref-ts'), 'dir');
      writeFileSync(
        join(dir, 'main.ts'),
        [
          "import { IterableWeakMap, IterableWeakSet, WeakValueMap } from 'weakref-ts';",
          'type O = { id: number };',
          'export const s: Set<O> = new IterableWeakSet<O>();',
          'export const r: ReadonlySet<O> = new IterableWeakSet<O>();',
          'export const m: Map<O, number> = new IterableWeakMap<O, number>();',
          'export const w: ReadonlyMap<string, O> = new WeakValueMap<string, O>();',
          'export const u: IterableWeakSet<O> = new IterableWeakSet<O>().union([{ id: 1 }]);',
        ].join('\n'),
      );
      const options = { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ESNext'], noEmit: true, skipLibCheck: false, types: [] };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['main.ts'] }));
      execFileSync(process.execPath, [join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('add/has/delete/size/clear behave like a Set, in insertion order', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const s = new IterableWeakSet<O>([a, b]);
    assert.equal(s.add(c), s);
    s.add(a);
    assert.deepEqual([...s], [a, b, c]);
    assert.equal(s.has(b), true);
    assert.equal(s.delete(b), true);
    assert.equal(s.delete(b), false);
    s.add(b);
    assert.deepEqual([...s.values()], [a, c, b]);
    assert.deepEqual([...s.keys()], [a, c, b]);
    assert.deepEqual([...s.entries()], [[a, a], [c, c], [b, b]]);
    assert.equal(s.size, 3);
    s.clear();
    assert.equal(s.size, 0);
    assert.equal(s.has(a), false);
  });

  it('forEach passes (value, value, set) with thisArg; errors propagate', () => {
    const [a, b] = [obj(1), obj(2)];
    const s = new IterableWeakSet<O>([a, b]);
    const seen: unknown[] = [];
    const self = {};
    s.forEach(function (this: unknown, v, v2, set) {
      seen.push([v, v2, set, this]);
    }, self);
    assert.deepEqual(seen, [[a, a, s, self], [b, b, s, self]]);
    assert.throws(() => s.forEach(() => { throw new Error('boom'); }), /boom/);
    assert.throws(() => s.forEach({} as never), TypeError);
  });

  it('queries with values that cannot be members answer false', () => {
    const s = new IterableWeakSet<O>([obj(1)]);
    assert.equal(s.has(1 as never), false);
    assert.equal(s.delete('x' as never), false);
  });

  it('accepts functions and non-registered symbols', () => {
    const f = function named() {};
    const sym = Symbol('member');
    const s = new IterableWeakSet<object | symbol>([f, sym]);
    assert.deepEqual([...s], [f, sym]);
  });
});

describe('IterableWeakSet: ES2025 set methods accept any iterable', () => {
  const [a, b, c, d] = [obj('a'), obj('b'), obj('c'), obj('d')];
  const s = new IterableWeakSet<O>([a, b, c]);

  it('union / intersection / difference / symmetricDifference return IterableWeakSets', () => {
    const u = s.union([c, d]);
    assert.ok(u instanceof IterableWeakSet);
    assert.deepEqual([...u], [a, b, c, d]);
    assert.deepEqual([...s.intersection(new Set([c, a, d]))], [a, c]);
    assert.deepEqual([...s.intersection([1 as never, b])], [b]);
    assert.deepEqual([...s.difference([b])], [a, c]);
    assert.deepEqual([...s.symmetricDifference([c, d, d])], [a, b, d]);
    assert.deepEqual([...s], [a, b, c], 'the receiver is unchanged');
  });

  it('isSubsetOf / isSupersetOf / isDisjointFrom', () => {
    assert.equal(s.isSubsetOf([a, b, c, d]), true);
    assert.equal(s.isSubsetOf([a, b]), false);
    assert.equal(s.isSupersetOf([a, c]), true);
    assert.equal(s.isSupersetOf([a, d]), false);
    assert.equal(s.isSupersetOf([a, 1 as never]), false);
    assert.equal(s.isDisjointFrom([d, 2 as never]), true);
    assert.equal(s.isDisjointFrom([d, b]), false);
    assert.equal(new IterableWeakSet<O>().isSubsetOf([]), true);
  });

  it('read set-like objects (size, has, keys) through keys(), as ES2025 does: Map, Set, IterableWeakSet', () => {
    const map = new Map<O, number>([[c, 1], [d, 2]]);
    assert.deepEqual([...s.union(map)], [a, b, c, d]);
    assert.deepEqual([...s.intersection(map)], [c]);
    assert.deepEqual([...s.difference(new IterableWeakSet([a]))], [b, c]);
    assert.deepEqual([...s.symmetricDifference(new Set([a, d]))], [b, c, d]);
    assert.equal(s.isSupersetOf(new IterableWeakSet([a, b])), true);
    assert.equal(s.isDisjointFrom(map), false);
    const setLike = { size: 1, has: (v: unknown) => v === d, keys: () => [d][Symbol.iterator]() };
    assert.deepEqual([...s.union(setLike)], [a, b, c, d]);
    assert.equal(s.isSubsetOf(setLike), false);
  });

  it('rejects a non-iterable, and members that cannot be held weakly where they would be added', () => {
    assert.throws(() => s.union(5 as never), { name: 'TypeError', message: /'number'/ });
    assert.throws(() => s.isSubsetOf(null as never), { name: 'TypeError', message: /'null'/ });
    assert.throws(() => s.union([d, 'x' as never]), { name: 'TypeError', message: "cannot create weak reference to 'string' value" });
    assert.throws(() => s.symmetricDifference([Symbol.for('r') as never]), { message: "cannot create weak reference to 'registered symbol' value" });
  });
});

describe('IterableWeakSet: Python extras', () => {
  it('pop returns the newest live member', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    const s = new IterableWeakSet<O>([a, b, c]);
    s.add(a);
    assert.equal(s.pop(), c);
    assert.equal(s.pop(), b);
    assert.equal(s.pop(), a);
    assert.equal(s.pop(), undefined);
  });

  it('update returns this; copy is independent', () => {
    const [a, b] = [obj(1), obj(2)];
    const s = new IterableWeakSet<O>([a]);
    assert.equal(s.update([b, a]), s);
    assert.deepEqual([...s], [a, b]);
    const copy = s.copy();
    assert.ok(copy instanceof IterableWeakSet);
    copy.delete(a);
    assert.deepEqual([...s], [a, b]);
    assert.deepEqual([...copy], [b]);
  });
});

describe('IterableWeakSet: bad input leaves it unchanged', () => {
  it('add rejects what cannot be held weakly, naming the kind', () => {
    const a = obj(1);
    const s = new IterableWeakSet<O>([a]);
    for (const [bad, kind] of [[1, 'number'], ['s', 'string'], [Symbol.for('r'), 'registered symbol'], [null, 'null'], [undefined, 'undefined'], [false, 'boolean']] as const) {
      assert.throws(() => s.add(bad as never), { name: 'TypeError', message: `cannot create weak reference to '${kind}' value` });
    }
    assert.deepEqual([...s], [a]);
  });

  it('the constructor and update are all-or-nothing', () => {
    const [a, b, c] = [obj(1), obj(2), obj(3)];
    assert.throws(() => new IterableWeakSet<O>([a, 2 as never]), { name: 'TypeError', message: /'number'/ });
    const s = new IterableWeakSet<O>([a]);
    assert.throws(() => s.update([b, c, 'x' as never]), { name: 'TypeError', message: /'string'/ });
    assert.deepEqual([...s], [a]);
    assert.throws(() => s.update(7 as never), TypeError);
    assert.throws(() => new IterableWeakSet<O>(7 as never), TypeError);
  });
});

describe('IterableWeakSet: util.inspect', () => {
  it('prints like a Set with the class name and live members only', async () => {
    const a = obj(1);
    const s = new IterableWeakSet<O>([a]);
    (() => {
      s.add(obj('gone'));
    })();
    await collect();
    assert.equal(inspect(s), 'IterableWeakSet(1) { { id: 1 } }');
    assert.equal(inspect(new IterableWeakSet()), 'IterableWeakSet(0) {}');
  });
});

describe('IterableWeakSet under real GC', () => {
  it('size is exact after collect()', async () => {
    const kept = Array.from({ length: 30 }, (_, i) => obj(i));
    const s = new IterableWeakSet<O>();
    (() => {
      for (let i = 0; i < 100; i++) {
        s.add(obj(`tmp${i}`));
        if (i < 30) s.add(kept[i]!);
      }
    })();
    await collect();
    assert.equal(s.size, 30);
    assert.deepEqual([...s], kept);
  });

  it('iteration, set methods and pop skip a dead member at once, before any cleanup ran', async () => {
    const a = obj('a');
    const s = new IterableWeakSet<O>([a]);
    const witness = new CleanupWitness();
    (() => {
      const doomed = obj('doomed');
      witness.watch(doomed);
      s.add(doomed);
    })();
    await gcBeforeCleanup();
    assert.equal(witness.fired, false, 'the check must run before finalization callbacks');
    assert.deepEqual([...s], [a]);
    assert.deepEqual([...s.copy()], [a]);
    assert.deepEqual([...s.union([])], [a]);
    assert.equal(s.isSubsetOf([a]), true);
    assert.equal(s.pop(), a);
    assert.equal(s.pop(), undefined);
    assert.equal(witness.fired, false);
  });

  it('size drops to the live count once the engine ran its finalization callbacks (no collect)', async () => {
    const a = obj('a');
    const s = new IterableWeakSet<O>([a]);
    const witness = new CleanupWitness();
    (() => {
      for (let i = 0; i < 10; i++) {
        const o = obj(i);
        witness.watch(o);
        s.add(o);
      }
    })();
    await gcBeforeCleanup();
    for (let i = 0; i < 20 && !witness.fired; i++) await turns(1);
    assert.equal(witness.fired, true);
    await turns(4);
    assert.equal(s.size, 1);
    assert.equal(s.has(a), true);
  });

  it('a set is itself collectable (the library holds it only weakly)', async () => {
    const witness = new CleanupWitness();
    (() => {
      const s = new IterableWeakSet<O>([obj(1)]);
      witness.watch(s);
    })();
    await collect();
    await turns(4); // the witness's own registry may be cleaned a task after the library's
    assert.equal(witness.fired, true);
  });
});

describe('IterableWeakSet: changes during iteration behave like Set', () => {
  it('matches a native Set step by step', () => {
    const objs = Array.from({ length: 8 }, (_, i) => obj(i));
    const script = (s: Set<O>, step: number): void => {
      if (step === 0) { s.delete(objs[1]!); s.add(objs[5]!); s.delete(objs[0]!); }
      if (step === 1) { s.delete(objs[3]!); s.delete(objs[4]!); s.delete(objs[5]!); s.add(objs[6]!); }
      if (step === 3) { s.clear(); s.add(objs[7]!); s.add(objs[0]!); }
    };
    const mine = new IterableWeakSet<O>(objs.slice(0, 5));
    const native = new Set<O>(objs.slice(0, 5));
    const seen: unknown[] = [];
    const nativeSeen: unknown[] = [];
    let step = 0;
    for (const v of mine) { seen.push(v.id); script(mine, step++); }
    step = 0;
    for (const v of native) { nativeSeen.push(v.id); script(native, step++); }
    assert.deepEqual(seen, nativeSeen);
    assert.deepEqual([...mine], [...native]);
  });
});

describe('IterableWeakSet: seeded random mutation during iteration matches Set', () => {
  it('3000 random programs of add/delete/clear/pop while iterating', () => {
    let seed = 777;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pool = Array.from({ length: 10 }, (_, i) => obj(i));
    for (let program = 0; program < 3000; program++) {
      const mine = new IterableWeakSet<O>();
      const model = new Set<O>();
      for (let i = 0; i < random(8); i++) {
        const v = pool[random(10)]!;
        mine.add(v);
        model.add(v);
      }
      const mineIt = mine.values();
      const modelIt = model.values();
      for (let step = 0; step < 30; step++) {
        const a = mineIt.next();
        const b = modelIt.next();
        assert.deepEqual(a, b, `program ${program} step ${step}`);
        if (b.done) break;
        const op = random(10);
        const v = pool[random(10)]!;
        if (op < 4) {
          mine.add(v);
          model.add(v);
        } else if (op < 7) {
          assert.equal(mine.delete(v), model.delete(v));
        } else if (op === 7) {
          mine.clear();
          model.clear();
        } else if (op === 8) {
          const last = [...model][model.size - 1];
          assert.equal(mine.pop(), last);
          if (last) model.delete(last);
        }
      }
      assert.deepEqual([...mine], [...model]);
    }
  });
});
