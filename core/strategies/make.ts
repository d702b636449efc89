// Strategy by name, as the CLI and `simulate` options spell it: 'random', 'pct' (depth 3),
// 'pct:<d>', or a replay of given choices.
import { ScenarioError } from '../errors.ts';
import type { Strategy } from '../strategy.ts';
import { PctStrategy } from './pct.ts';
import { RandomStrategy } from './random.ts';
import { ReplayStrategy } from './replay.ts';

export type StrategyName = 'random' | 'pct' | `pct:${number}` | 'replay';

export interface StrategySpec {
  seed?: number;
  /** PCT: expected number of thread decisions per run (k) */
  pctSteps?: number;
  /** replay: the choices */
  choices?: readonly number[];
}

export const DEFAULT_PCT_DEPTH = 3;
export const DEFAULT_PCT_STEPS = 200;

export function makeStrategy(name: string, spec: StrategySpec = {}): Strategy {
  const seed = spec.seed ?? 0;
  if (name === 'random') return new RandomStrategy(seed);
  if (name === 'replay') return new ReplayStrategy(spec.choices ?? []);
  const m = /^pct(?::(\d+))?$/.exec(name);
  if (m !== null) {
    const depth = m[1] === undefined ? DEFAULT_PCT_DEPTH : Number(m[1]);
    if (depth < 1 || depth > 16) throw new ScenarioError(`PCT depth must be between 1 and 16, got ${depth}`);
    return new PctStrategy(seed, { depth, steps: spec.pctSteps ?? DEFAULT_PCT_STEPS });
  }
  throw new ScenarioError(`unknown strategy '${name}' (expected random, pct, pct:<depth> or replay)`);
}
