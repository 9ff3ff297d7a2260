// Runs the behaviour suite in headless Chromium (Debian's `chromium` package) through
// playwright-core, forcing collections with the DevTools protocol's HeapProfiler.collectGarbage.
//
// The page loads dist/ and test/engines/ as ES modules from an http server bound to 127.0.0.1 (a
// module import from file:// is blocked by the browser). Each run gets a fresh profile directory.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';

const SERVED = ['dist', 'test/engines'];
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.html': 'text/html' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>weakref-ts engines</title>';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Serves only dist/ and test/engines/ of `root`, on a free loopback port. */
function serve(root) {
  const allowed = SERVED.map((dir) => join(root, dir) + sep);
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = normalize(join(root, path));
    try {
      if (!allowed.some((dir) => file.startsWith(dir)) || !statSync(file).isFile()) throw new Error('not served');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Runs `test/engines/<entry>` in a fresh page and returns its summary (see harness.mjs runAll).
 * Page console lines go to `log`. `deleteFinalizationRegistry` removes the global before the module
 * loads (the Hermes-like case).
 */
async function runPage(context, base, entry, log) {
  const page = await context.newPage();
  try {
    page.on('console', (message) => log(message.text()));
    page.on('pageerror', (error) => log(`pageerror: ${error.message}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    // The page awaits this binding, so its job has ended (and V8's KeepDuringJob set is cleared)
    // before the collection runs.
    await page.exposeFunction('__weakrefTsForceGc', async () => {
      await cdp.send('HeapProfiler.collectGarbage');
    });
    await page.goto(`${base}/`);
    return await page.evaluate(async (url) => {
      const module = await import(url);
      return module.run();
    }, `${base}/test/engines/${entry}`);
  } finally {
    await page.close();
  }
}

/**
 * Arms test/engines/at-exit.mjs in a page, then closes the page the way a user closes a tab
 * (running its unload handlers): the page's "exit" is pagehide. Navigating away is no exit: the
 * page may go into the back/forward cache (pagehide with persisted = true, and nothing must run).
 * Returns what the page printed, for run.mjs's atExitResult.
 */
async function runAtExitPage(context, base) {
  const page = await context.newPage();
  const lines = [];
  page.on('console', (message) => lines.push(message.text()));
  await page.goto(`${base}/`);
  await page.evaluate(async (url) => {
    const module = await import(url);
    await module.arm();
  }, `${base}/test/engines/at-exit.mjs`);
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
  return lines.join('\n');
}

/**
 * Launches Chromium, runs the suite and the no-FinalizationRegistry suite, and returns both
 * summaries. Throws when Chromium cannot be launched (a missing browser must fail the run).
 */
export async function runChromium(root, log = console.log) {
  const server = await serve(root);
  try {
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // window.gc: only the KeepDuringJob test and the library's own collect() use it.
    const flagged = await withBrowser(['--js-flags=--expose-gc'], async (context) => ({
      main: await runPage(context, base, 'browser.mjs', log),
      noFr: await runPage(context, base, 'no-fr.mjs', log),
      atExit: await runAtExitPage(context, base),
      version: context.browser()?.version(),
    }));
    // Without the flag, the library's collect() has no way to force a collection: it must say so.
    const noFlag = await withBrowser([], (context) => runPage(context, base, 'no-flag.mjs', log));
    return { ...flagged, noFlag };
  } finally {
    server.close();
  }
}

/** Launches headless Chromium on a fresh profile, runs `use(context)`, and always cleans up. */
async function withBrowser(extraArgs, use) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'weakref-ts-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
        ...extraArgs,
      ],
    });
    return await use(context);
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}
