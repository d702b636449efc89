// `node --import ./bin/register.mjs file.ts` runs TypeScript (ts-hooks.mjs says how, and why not
// tsx); stack traces point at the .ts lines through the inline source maps. Importing it again in
// the same thread (a worker inherits `--import` and worker-boot.mjs imports it too) does nothing.
//
// It also turns off V8's allocation-site pretenuring, for the whole process (workers included).
// Runs make many objects that all die with the run; when a collection happens mid-run, V8 sees the
// run's objects survive and starts allocating at those sites directly in the old generation. Those
// objects then die in old space, keep what they point to alive through every scavenge until a full
// collection, which makes more sites look long-lived: a feedback loop. Measured on seed/S3: 15% of
// what runs allocate was promoted with pretenuring and 1.8% without, at about twice the runs per
// second (README "Performance notes"). It is a heuristic: nothing a run computes depends on it.
import { register } from 'node:module';
import { setFlagsFromString } from 'node:v8';

const KEY = Symbol.for('irpsim.ts-hooks');
if (globalThis[KEY] !== true) {
  globalThis[KEY] = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
  register('./ts-hooks.mjs', import.meta.url);
  process.setSourceMapsEnabled(true);
}
