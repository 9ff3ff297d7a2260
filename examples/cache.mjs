// Scenario 2: a cache that does not keep its values alive.
// `getOrInsertComputed` is get-or-create in one call: it returns the live cached value, or loads,
// stores and returns a new one. Values nobody uses any more are collected and drop out of the cache.
// Run: node examples/cache.mjs (after npm run build)
import { WeakValueMap } from 'weakref-ts';
import { collect } from 'weakref-ts/gc';

class Texture {
  /** @param {string} path */
  constructor(path) {
    this.path = path;
    this.pixels = new Uint8Array(1 << 20); // 1 MiB: worth sharing, not worth keeping for ever
  }
}

let loads = 0;
/** The expensive part, which the cache saves us from repeating while a texture is in use. */
function load(/** @type {string} */ path) {
  loads++;
  return new Texture(path);
}

/** @type {WeakValueMap<string, Texture>} */
const cache = new WeakValueMap();
const texture = (/** @type {string} */ path) => cache.getOrInsertComputed(path, load);

const logo = texture('logo.png'); // kept: the program uses it
function drawOnce() {
  texture('splash.png'); // used once, then nobody holds it
}
drawOnce();
console.log(`texture('logo.png') === logo: ${texture('logo.png') === logo}  (loads so far: ${loads}, one per path)`);
console.log(`before collect(): cache holds [${[...cache.keys()].join(', ')}], size ${cache.size}`);
await collect();
console.log(`after collect():  cache holds [${[...cache.keys()].join(', ')}], size ${cache.size}`);
console.log(`logo is still cached: ${texture('logo.png') === logo}  (loads: ${loads})`);
texture('splash.png');
console.log(`splash.png was collected, so asking again loads it again  (loads: ${loads})`);
