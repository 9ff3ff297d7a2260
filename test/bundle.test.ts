// API.md: "`weakref-ts` and `weakref-ts/python` import no Node built-in module, under any export
// condition." A browser bundler is the judge: esbuild bundles each entry for platform=browser and
// every import of a Node built-in (`node:fs` or bare `fs`) that the bundle reaches fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// build/test/bundle.test.js → the package root, where `weakref-ts` resolves to its own dist/.
const root = fileURLToPath(new URL('../../', import.meta.url));

const bareBuiltins = new Set(builtinModules.filter((name) => !name.startsWith('_')));

interface NodeImport {
  path: string;
  importer: string;
}

/** Records every Node built-in the bundle reaches and keeps it external, so bundling goes on. */
function nodeImportDetector(found: NodeImport[]): Plugin {
  return {
    name: 'node-import-detector',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.split('/')[0] ?? args.path;
        if (args.path.startsWith('node:') || bareBuiltins.has(args.path) || bareBuiltins.has(bare)) {
          found.push({ path: args.path, importer: args.importer });
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

async function bundle(contents: string, conditions: string[]) {
  const found: NodeImport[] = [];
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'entry.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeImportDetector(found)],
  });
  const text = result.outputFiles?.[0]?.text ?? '';
  return { found, text, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}

// A static import, a dynamic import or a require of a `node:` module in the bundled text.
const NODE_IMPORT_TEXT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']node:/;

// Custom export conditions a bundler may be given; none may lead to a Node built-in.
const CONDITION_SETS: string[][] = [[], ['node'], ['import', 'module'], ['require'], ['deno', 'bun', 'worker', 'react-native']];

for (const entry of ['weakref-ts', 'weakref-ts/python']) {
  for (const conditions of CONDITION_SETS) {
    const label = conditions.length ? conditions.join('+') : 'default';
    test(`bundle: ${entry} bundles for the browser without any Node built-in (conditions: ${label})`, async () => {
      const { found, text, inputs } = await bundle(`export * from '${entry}';`, conditions);
      assert.deepEqual(found, [], `Node built-ins reached: ${JSON.stringify(found)}`);
      assert.doesNotMatch(text, NODE_IMPORT_TEXT);
      assert.ok(inputs.some((input) => /(^|\/)dist\/(index|python)\.js$/.test(input)), `the entry was bundled: ${inputs}`);
      assert.ok(!inputs.some((input) => /(^|\/)dist\/gc(\/|\.js)/.test(input)), `weakref-ts/gc leaked in: ${inputs}`);
    });
  }
}

// weakref-ts/gc may use Node built-ins, but only when a diagnostic is called (through
// process.getBuiltinModule), never as an import: importing it must still work in a browser, where each
// function then throws an Error naming itself and the engine (test/engines checks that in Chromium).
test('bundle: weakref-ts/gc imports no Node built-in statically either', async () => {
  const { found, text } = await bundle("export * from 'weakref-ts/gc';", []);
  assert.deepEqual(found, [], `Node built-ins reached: ${JSON.stringify(found)}`);
  assert.doesNotMatch(text, NODE_IMPORT_TEXT);
});

test('bundle: the detector catches node: imports, bare built-ins and node: text (control)', async () => {
  const { found, text } = await bundle(
    "import { readFileSync } from 'node:fs'; import path from 'path'; export const f = [readFileSync, path];",
    [],
  );
  assert.deepEqual(
    found.map((f) => f.path),
    ['node:fs', 'path'],
  );
  assert.match(text, NODE_IMPORT_TEXT);
});
