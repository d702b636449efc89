// irpsim replay <failure.json>: replays the saved (or --shrunk) schedule strictly — a decision
// whose label differs is a divergence (exit 2) — and shows the run in a view.
import { makeStrategy, simulate } from '../../index.ts';
import { loadScenario, scenarioSourceHash } from '../../explore/load.ts';
import { emit, io } from '../common.ts';
import { findBuiltin } from '../../scenarios/index.ts';
import { readFailureFile } from '../failure-file.ts';
import { render, viewFormat } from './run.ts';

export interface ReplayOptions {
  format?: string;
  out?: string;
  json?: boolean;
  shrunk?: boolean;
}

export async function replayCommand(file: string, o: ReplayOptions): Promise<number> {
  const format = o.json ? 'json' : viewFormat(o.format);
  const ff = readFailureFile(file);
  const scenario = await loadScenario(ff.scenario.name);
  const isPath = findBuiltin(ff.scenario.name) === undefined;
  if (scenarioSourceHash(scenario, isPath ? ff.scenario.name : undefined) !== ff.scenario.sourceHash) {
    io.err(`irpsim: note: ${ff.scenario.name} changed since this failure was saved; replaying strictly\n`);
  }
  const s = o.shrunk && ff.shrunk !== undefined ? ff.shrunk : ff;
  const run = simulate(scenario, { strategy: makeStrategy('replay', { choices: s.choices }), expectLabels: s.labels, faults: ff.faults });
  if (s === ff && run.traceHash !== ff.traceHash) {
    io.err(`irpsim: note: trace hash ${run.traceHash} differs from the saved ${ff.traceHash}\n`);
  }
  emit(render(run, format, { scenario: scenario.name, seed: ff.seed, strategy: ff.strategy, file }), o.out);
  return run.findings.length > 0 ? 1 : 0;
}
