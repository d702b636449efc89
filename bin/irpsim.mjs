#!/usr/bin/env node
// Runs the TypeScript CLI through the project's loader (register.mjs, esbuild), so the command works
// from a checkout and from an installed package alike, from any directory.
import './register.mjs';

// a closed pipe (irpsim … | head) ends the command quietly
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { runCli } = await import('../cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
