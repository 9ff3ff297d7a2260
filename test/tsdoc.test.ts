// Checks the TSDoc in src/: every ```ts block under an @example is extracted, type-checked against
// the built package (imported by name, as a user would) and run in a child process; a line of the
// form `expression; // <literal>…` (true, false, undefined, null, a number or a 'string') must
// evaluate to that literal. The README's ```ts blocks are checked the same way. A second test lists the exports that lack a summary or an @example.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { packageRoot } from './support/child.js';
import { runNode } from './support/run-node.js';

const root = packageRoot;
const workDir = join(root, 'build', 'tsdoc-examples'); // inside the package, so 'weakref-ts' resolves to it

interface Snippet {
  /** Where the example starts, `src/ref.ts:35`. */
  where: string;
  code: string;
  /** Imports something: a complete program. Without imports it is a fragment of a larger one. */
  selfContained: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every fenced block (```ts, ```typescript, ```js) inside an @example tag of a /** comment. */
function extractSnippets(file: string): Snippet[] {
  const text = readFileSync(file, 'utf8');
  const snippets: Snippet[] = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = text.slice(0, comment.index).split('\n').length;
    const lines = comment[0].split('\n').map((line) => line.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\s*\*\/$/, ''));
    let inExample = false;
    let fence: string[] | undefined;
    let fenceLine = 0;
    lines.forEach((line, i) => {
      if (fence !== undefined) {
        if (/^```\s*$/.test(line)) {
          const code = fence.join('\n');
          snippets.push({
            where: `${relative(root, file)}:${startLine + fenceLine}`,
            code,
            selfContained: /^\s*import\s/m.test(code),
          });
          fence = undefined;
        } else fence.push(line);
        return;
      }
      if (/^@example\b/.test(line)) inExample = true;
      else if (/^@\w+/.test(line)) inExample = false;
      else if (inExample && /^```(ts|typescript|js|javascript)?\s*$/.test(line)) {
        fence = [];
        fenceLine = i + 1;
      }
    });
  }
  return snippets;
}

const LITERAL = String.raw`true|false|undefined|null|-?\d+(?:\.\d+)?|'[^'\\]*'`;
const CLAIM = new RegExp(String.raw`^(\s*)(?!(?:const|let|var|return|import|export|throw|if|for|while|await\s+collect)\b)(\S.*?);\s*//\s*(${LITERAL})(?=$|[\s:,.;)])`);

/** Turns `expr; // 2` into a check that `expr` is 2, naming the line of the source it came from. */
function withChecks(snippet: Snippet): string {
  const [file, line] = snippet.where.split(':');
  const body = snippet.code
    .split('\n')
    .map((text, i) => {
      const claim = CLAIM.exec(text);
      if (claim === null) return text;
      const [, indent, expression, literal] = claim;
      return `${indent}__claim(${expression}, ${literal}, ${JSON.stringify(`${file}:${Number(line) + i}: ${text.trim()}`)});`;
    })
    .join('\n');
  return (
    `${body}\n\nexport {};\n` +
    'function __claim(actual: unknown, expected: unknown, where: string): void {\n' +
    "  if (!Object.is(actual, expected)) throw new Error(`${where}\\n  evaluates to ${String(actual)}, not ${String(expected)}`);\n" +
    '}\n'
  );
}

const run = (args: string[]) => runNode(args);

/** The ```ts blocks of a Markdown file (the README's code must be as true as the TSDoc's). */
function extractMarkdown(file: string): Snippet[] {
  const snippets: Snippet[] = [];
  let fence: string[] | undefined;
  let fenceLine = 0;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (fence === undefined) {
        if (/^```(ts|typescript)\s*$/.test(line)) {
          fence = [];
          fenceLine = i + 2;
        }
      } else if (/^```\s*$/.test(line)) {
        const code = fence.join('\n');
        snippets.push({ where: `${relative(root, file)}:${fenceLine}`, code, selfContained: /^\s*import\s/m.test(code) });
        fence = undefined;
      } else fence.push(line);
    });
  return snippets;
}

const snippets = [...sourceFiles(join(root, 'src')).flatMap(extractSnippets), ...extractMarkdown(join(root, 'README.md'))];
const complete = snippets.filter((s) => s.selfContained);
const fragments = snippets.filter((s) => !s.selfContained);
const fileOf = (index: number) => `example-${String(index).padStart(3, '0')}.ts`;

describe('TSDoc @example code', () => {
  test('there are examples to check', () => {
    assert.ok(complete.length >= 10, `only ${complete.length} complete @example blocks found`);
  });

  // One tsc run for all of them (a few seconds), then one child process per example.
  let compiled: Promise<Map<string, string[]>> | undefined;
  const compileAll = () =>
    (compiled ??= (async () => {
      rmSync(workDir, { recursive: true, force: true });
      mkdirSync(workDir, { recursive: true });
      complete.forEach((snippet, i) => writeFileSync(join(workDir, fileOf(i)), `// ${snippet.where}\n${withChecks(snippet)}`));
      writeFileSync(
        join(workDir, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../tsconfig.json',
          compilerOptions: { rootDir: '.', outDir: 'out', declaration: false, declarationMap: false, sourceMap: false },
          include: ['*.ts'],
        }),
      );
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run([tsc, '-p', join(workDir, 'tsconfig.json')]);
      const errors = new Map<string, string[]>();
      for (const line of result.stdout.split('\n')) {
        const file = /(example-\d+\.ts)\(/.exec(line)?.[1];
        if (file !== undefined) errors.set(file, [...(errors.get(file) ?? []), line]);
      }
      return errors;
    })());

  complete.forEach((snippet, i) => {
    test(`${snippet.where} type-checks, runs, and its commented values hold`, async (t) => {
      const errors = (await compileAll()).get(fileOf(i));
      const missing = errors?.filter((e) => /error TS2305: Module '"weakref-ts(\/\w+)?"' has no exported member/.test(e));
      if (missing !== undefined && missing.length > 0) {
        // Its piece has not landed in this build: everything it touches is `any` until it does.
        t.skip(`needs ${missing.map((e) => /member '(\w+)'/.exec(e)?.[1]).join(', ')}, not exported yet`);
        return;
      }
      assert.equal(errors, undefined, `type errors in the example at ${snippet.where}:\n${errors?.join('\n')}\n\n${snippet.code}`);
      const result = await run([join(workDir, 'out', fileOf(i).replace(/\.ts$/, '.js'))]);
      assert.equal(result.code, 0, `the example at ${snippet.where} failed:\n${result.stderr}\n\n${snippet.code}`);
    });
  });

  test('fragments (examples that import nothing) cannot be checked on their own', (t) => {
    if (fragments.length > 0) t.todo(`not self-contained, so not checked: ${fragments.map((f) => f.where).join(', ')}`);
  });
});

describe('TSDoc coverage', () => {
  test('every export of the three entry points has a summary, and every exported value an @example', (t) => {
    const entries = ['src/index.ts', 'src/gc.ts', 'src/python.ts'].map((f) => join(root, f));
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config as unknown;
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
    const program = ts.createProgram(entries, parsed.options);
    const checker = program.getTypeChecker();
    const gaps: string[] = [];
    for (const entry of entries) {
      const source = program.getSourceFile(entry);
      const module = source && checker.getSymbolAtLocation(source);
      assert.ok(module, `cannot read ${entry}`);
      for (const exported of checker.getExportsOfModule(module)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const name = `${relative(root, entry)}: ${exported.name}`;
        const isValue = (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) !== 0;
        const missing: string[] = [];
        if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') missing.push('summary');
        if (isValue && !symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')) missing.push('@example');
        if (missing.length > 0) gaps.push(`${name} (no ${missing.join(', no ')})`);
      }
    }
    if (gaps.length > 0) t.todo(`${gaps.length} exports to document: ${gaps.join('; ')}`);
  });
});

describe('README', () => {
  test("the Python table's names exist: each weakref-ts/python name, and the weakref-ts name beside it", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('| Python | `weakref-ts` | `weakref-ts/python` |');
    assert.notEqual(start, -1, 'the README has no Python → weakref-ts table');
    const rows = readme.slice(start).split('\n\n')[0]!.split('\n').slice(2);
    const main = (await import('weakref-ts')) as Record<string, unknown>;
    const gc = (await import('weakref-ts/gc')) as Record<string, unknown>;
    const python = (await import('weakref-ts/python')) as Record<string, unknown>;
    const problems: string[] = [];
    for (const row of rows) {
      const [, , ours = '', pythonNames = ''] = row.split(/(?<!\\)\|/).map((cell) => cell.trim());
      const names = (cell: string) => [...cell.matchAll(/`(?:new )?([A-Za-z_]\w*)/g)].map((m) => m[1]!);
      for (const name of names(pythonNames)) {
        if (!(name in python)) problems.push(`weakref-ts/python does not export ${name}`);
      }
      // Rows that name a weakref-ts/python export name top-level exports beside it, too.
      if (pythonNames === '') continue;
      for (const name of names(ours)) {
        if (!(name in main) && !(name in gc)) problems.push(`weakref-ts does not export ${name}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
