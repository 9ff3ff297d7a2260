import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot, runModule } from './support/child.js';

const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  sideEffects: boolean;
};

test('exports: the three entry points and package.json, types first; no runtime dependencies', () => {
  assert.deepEqual(Object.keys(manifest.exports), ['.', './gc', './python', './package.json']);
  for (const entry of ['.', './gc', './python']) {
    assert.deepEqual(Object.keys(manifest.exports[entry] as object), ['types', 'default'], entry);
  }
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.sideEffects, false);
});

test('importing the package creates no FinalizationRegistry, WeakRef or WeakMap (nothing runs at import)', () => {
  const result = runModule(`
    const made = [];
    for (const name of ['FinalizationRegistry', 'WeakRef', 'WeakMap']) {
      const Native = globalThis[name];
      globalThis[name] = class extends Native { constructor(...a) { super(...a); made.push(name); } };
    }
    await import('weakref-ts');
    await import('weakref-ts/python');
    await import('weakref-ts/gc');
    console.log(JSON.stringify(made));
  `);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), '[]');
});

test('npm pack gives a tarball that another project installs, imports and type-checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weakref-ts-pack-'));
  try {
    const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: packageRoot, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const paths = packed!.files.map((f) => f.path);
    assert.ok(paths.includes('dist/index.js') && paths.includes('dist/index.d.ts'), 'ships dist');
    assert.ok(!paths.some((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('build/')), 'ships only what a user needs');
    const project = join(dir, 'consumer');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, packed!.filename)], { cwd: project, encoding: 'utf8' });
    writeFileSync(
      join(project, 'main.ts'),
      `import { ref, type Ref } from 'weakref-ts';\nimport { collect } from 'weakref-ts/gc';\nconst target = { n: 1 };\nconst r: Ref<{ n: number }> = ref(target);\nconsole.log(r.deref()?.n, typeof collect);\n`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, types: [] }, files: ['main.ts'] }),
    );
    execFileSync(process.execPath, [join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
    writeFileSync(join(project, 'main.mjs'), `import { ref } from 'weakref-ts';\nconsole.log(ref({ n: 1 }).deref().n);\n`);
    assert.equal(execFileSync(process.execPath, [join(project, 'main.mjs')], { encoding: 'utf8' }).trim(), '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
