// Loading a scenario for a command or a worker: a built-in name, or a module path whose default
// export was made with defineScenario. Orchestration code, outside any run: async is fine here.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scenario } from '../index.ts';
import { findBuiltin } from '../scenarios/index.ts';

export class BadInputError extends Error {
  override name = 'BadInputError';
}

export async function loadScenario(nameOrPath: string): Promise<Scenario<unknown>> {
  const builtin = findBuiltin(nameOrPath);
  if (builtin !== undefined) return builtin;
  if (!/[\\/]|\.[cm]?[jt]s$/.test(nameOrPath)) throw new BadInputError(`unknown scenario '${nameOrPath}' (irpsim list shows the built-in ones)`);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(resolve(nameOrPath)).href);
  } catch (e) {
    throw new BadInputError(`cannot load scenario module '${nameOrPath}': ${String((e as Error).message).split('\n')[0]}`);
  }
  const s = mod.default as Scenario<unknown> | undefined;
  if (s === undefined || s === null || s.kind !== 'irpsim-scenario') {
    throw new BadInputError(`'${nameOrPath}' has no default export made with defineScenario`);
  }
  return s;
}

/**
 * A hash of the scenario's source: a module's file, or for a built-in scenario every file of its
 * folder (scenarios/seed/…), plus its name and script. A failure file records it; replay warns when
 * it changed.
 */
export function scenarioSourceHash(s: Scenario<unknown>, path?: string): string {
  const h = createHash('sha256');
  h.update(s.name);
  h.update(JSON.stringify((s as { script?: unknown; masks?: unknown }).script ?? null));
  h.update(JSON.stringify((s as { masks?: unknown }).masks ?? null));
  const files = path !== undefined ? [resolve(path)] : builtinFiles(s.name);
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function builtinFiles(name: string): string[] {
  const dir = join(ROOT, 'scenarios', name.split('/')[0]);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(dir, f));
}
