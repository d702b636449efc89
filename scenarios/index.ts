// The built-in scenarios, addressed by name (API.md "Built-in scenario names").
import type { Scenario } from '../index.ts';
import { seedBugs } from './seed/bugs.ts';
import { raceScenarios } from './races/index.ts';
import { fixedCsq, fixedCsqBounded, fixedLock, fixedLockBounded } from './seed/fixed.ts';

export const builtinScenarios: readonly Scenario<unknown>[] = [...seedBugs, fixedLock, fixedCsq, fixedLockBounded, fixedCsqBounded, ...raceScenarios] as Scenario<unknown>[];

export function findBuiltin(name: string): Scenario<unknown> | undefined {
  return builtinScenarios.find((s) => s.name === name);
}

