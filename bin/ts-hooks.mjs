// Module hooks that run the TypeScript sources (and scenario files given by path) in Node without a
// build step: a .ts/.mts file is transformed by esbuild to an ES module with an inline source map.
//
// Why not tsx: tsx always transforms with esbuild's keepNames, which redefines every class's and
// function's `name` (Object.defineProperty). That drops each class constructor into V8's slow
// dictionary mode, and `new` of a leaf class (every kernel object, IRP, thread) gets slower: the
// seed scenario ran ~35% fewer runs per second under tsx than the same code without keepNames
// (README "Performance notes"). The compiler options below are the ones tsconfig.json sets that
// change emitted code; they are fixed here, so a run does not depend on the directory it starts in.
//
// Transformed files are cached in the system's temporary directory, keyed by the file's path and
// content, esbuild's version and these options: modules then load in about a third of the time (no
// esbuild process to start, nothing to transform), which is most of an explore worker's start. A
// cache that cannot be read or written is skipped.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const TS = /\.m?ts$/;
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: `node${process.versions.node}`,
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
};
const ESBUILD_VERSION = createRequire(import.meta.url)('esbuild/package.json').version;
// one directory per user, only that user's: another user must not be able to plant code in it
const UID = process.getuid?.() ?? 0;
const CACHE = join(tmpdir(), `irpsim-ts-cache-${UID}`);
const cacheUsable = (() => {
  try {
    mkdirSync(CACHE, { recursive: true, mode: 0o700 });
    const st = statSync(CACHE);
    return st.uid === UID && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
})();
let esbuild = null;

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(JSON.stringify([path, ESBUILD_VERSION, OPTIONS])).update(source).digest('hex').slice(0, 32);
  const cached = join(CACHE, `${key}.mjs`);
  if (cacheUsable) {
    try {
      return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
    } catch {
      // not cached yet
    }
  }
  esbuild ??= await import('esbuild');
  const { code } = await esbuild.transform(source, { ...OPTIONS, sourcefile: path });
  if (cacheUsable) {
    try {
      const tmp = `${cached}.${process.pid}.${threadId}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch {
      // a full temporary directory: run without the cache
    }
  }
  return { format: 'module', source: code, shortCircuit: true };
}
