// `node --import ./bin/register.mjs file.ts` runs TypeScript (ts-hooks.mjs says how, and why not
// tsx); stack traces point at the .ts lines through the inline source maps. Importing it again in
// the same thread (a worker inherits `--import` and worker-boot.mjs imports it too) does nothing.
import { register } from 'node:module';

const KEY = Symbol.for('irpsim.ts-hooks');
if (globalThis[KEY] !== true) {
  globalThis[KEY] = true;
  register('./ts-hooks.mjs', import.meta.url);
  process.setSourceMapsEnabled(true);
}
