// irpsim run <scenario>: one schedule (a seed and a strategy), shown in a view; --check-determinism
// runs the same schedule in two separate processes and compares their trace hashes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunResult, simulate } from '../../index.ts';
import { loadScenario } from '../../explore/load.ts';
import { emit, int, io, parseFaults, UsageError } from '../common.ts';
import { VIEWS, type ViewFormat } from '../views/index.ts';

export interface RunOptions {
  seed?: string;
  strategy?: string;
  format?: string;
  out?: string;
  json?: boolean;
  checkDeterminism?: boolean;
  hashOnly?: boolean;
  faults?: string;
}

export function viewFormat(f: string | undefined): ViewFormat | 'json' {
  const format = f ?? 'text';
  if (format !== 'json' && !(format in VIEWS)) throw new UsageError(`--format must be text, json, perfetto, mermaid or html, got '${format}'`);
  return format as ViewFormat | 'json';
}

export function render(run: RunResult, format: ViewFormat | 'json', meta: { scenario: string; seed?: number; strategy?: string; file?: string }): string {
  return format === 'json' ? JSON.stringify(run) : VIEWS[format](run, meta);
}

export async function runCommand(name: string, o: RunOptions): Promise<number> {
  const seed = int('--seed', o.seed, 0, 0);
  const strategy = o.strategy ?? 'random';
  const format = o.json ? 'json' : viewFormat(o.format);
  const scenario = await loadScenario(name);
  const run = simulate(scenario, { seed, strategy, faults: parseFaults(o.faults) });
  if (o.hashOnly) {
    io.out(`${run.traceHash}\n`);
    return 0;
  }
  if (o.checkDeterminism) return checkDeterminism(name, seed, strategy, run.traceHash);
  emit(render(run, format, { scenario: scenario.name, seed, strategy }), o.out);
  return run.findings.length > 0 ? 1 : 0;
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** the TypeScript loader the child processes start with (bin/ts-hooks.mjs) */
const REGISTER = new URL('../../bin/register.mjs', import.meta.url).href;

function checkDeterminism(name: string, seed: number, strategy: string, here: string): number {
  const hashes = [0, 1].map(() => {
    const r = spawnSync(process.execPath, ['--import', REGISTER, MAIN, 'run', name, '--seed', String(seed), '--strategy', strategy, '--hash-only'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new UsageError(`a determinism child process failed: ${(r.stderr || '').split('\n')[0]}`);
    return r.stdout.trim();
  });
  const same = hashes.every((h) => h === here);
  io.out(`${same ? 'deterministic' : 'NOT deterministic'}: trace hashes ${here} (this process), ${hashes.join(', ')} (two other processes)\n`);
  return same ? 0 : 1;
}
