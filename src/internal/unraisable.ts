import { assertOptionalFunction } from './holdable.js';

/** What the unraisable hook receives: the error, what kind of user code threw it, and whose code it was. */
export interface Unraisable {
  /** The value that was thrown. */
  error: unknown;
  /** `'callback'` for Ref and proxy callbacks, `'finalizer'` for `finalize` functions. */
  kind: 'callback' | 'finalizer';
  /** The Ref (or subclass), the proxy, or the Finalizer whose callback threw. */
  source: unknown;
}

let hook: ((unraisable: Unraisable) => void) | undefined;

/**
 * Replaces where errors from weak-reference callbacks and finalizers go.
 *
 * Those callbacks run from the engine's finalization task, where a throw would become an
 * `uncaughtException` and stop the rest of the batch. So every one of them is caught and handed
 * here instead. The default (also after `setUnraisableHook(undefined)`) writes a report like
 * CPython's `Exception ignored in: <Ref to Worker>` with the stack to standard error, and the program
 * carries on. An error thrown by the hook itself is reported to standard error too, and never
 * escapes.
 *
 * @param newHook the function to call, or `undefined` to restore the default report
 * @throws TypeError when `newHook` is neither a function nor `undefined` (the hook stays as it was)
 * @example
 * ```ts
 * import { ref, setUnraisableHook, type Unraisable } from 'weakref-ts';
 * import { collect } from 'weakref-ts/gc';
 * const seen: Unraisable[] = [];
 * setUnraisableHook((unraisable) => seen.push(unraisable));
 * let target: object | undefined = {};
 * const r = ref(target, () => { throw new Error('boom'); });
 * target = undefined;
 * await collect();         // the callback threw; nothing escaped
 * seen[0]?.kind;           // 'callback'
 * seen[0]?.source === r;   // true
 * String(seen[0]?.error);  // 'Error: boom'
 * setUnraisableHook(undefined); // back to the stderr report
 * ```
 */
export function setUnraisableHook(newHook: ((unraisable: Unraisable) => void) | undefined): void {
  assertOptionalFunction(newHook, 'set the unraisable hook');
  hook = newHook;
}

/**
 * Hands a caught error to the hook. `label` describes the source without touching it, because a
 * dead proxy throws on any operation, even `String(proxy)`.
 */
export function reportUnraisable(unraisable: Unraisable, label: string): void {
  if (hook !== undefined) {
    try {
      hook(unraisable);
      return;
    } catch (hookError) {
      writeReport(`Exception ignored in the unraisable hook while reporting ${label}`, hookError);
    }
  }
  writeReport(`Exception ignored in: ${label}`, unraisable.error);
}

function writeReport(headline: string, error: unknown): void {
  let detail: string;
  try {
    detail = error instanceof Error && error.stack ? error.stack : `${String(error)}`;
  } catch {
    detail = '<unprintable error>';
  }
  try {
    // console.error is standard error in Node, Deno and Bun, and the console in a browser.
    console.error(`${headline}\n${detail}`);
  } catch {
    // Nowhere left to report to; the promise is only that nothing escapes.
  }
}
