// Module hooks that run the TypeScript sources (and scenario files given by path) in Node without a
// build step: a .ts/.mts file is transformed by esbuild to an ES module with an inline source map.
//
// Why not tsx: tsx always transforms with esbuild's keepNames, which redefines every class's and
// function's `name` (Object.defineProperty). That drops each class constructor into V8's slow
// dictionary mode, and `new` of a leaf class (every kernel object, IRP, thread) gets slower: the
// seed scenario ran ~35% fewer runs per second under tsx than the same code without keepNames
// (README "Dependencies"). The compiler options below are the ones tsconfig.json sets that change
// emitted code; they are fixed here, so a run does not depend on the directory it starts in.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const TS = /\.m?ts$/;
const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: `node${process.versions.node}`,
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), { ...OPTIONS, sourcefile: path });
  return { format: 'module', source: code, shortCircuit: true };
}
