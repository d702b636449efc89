// The built-in scenarios, addressed by name (API.md "Built-in scenario names").
import type { Finding, Scenario } from '../index.ts';
import { seedBugs } from './seed/bugs.ts';
import { raceScenarios } from './races/index.ts';
import { fixedCsq, fixedCsqBounded, fixedLock, fixedLockBounded } from './seed/fixed.ts';

export const builtinScenarios: readonly Scenario<unknown>[] = [...seedBugs, fixedLock, fixedCsq, fixedLockBounded, fixedCsqBounded, ...raceScenarios] as Scenario<unknown>[];

export function findBuiltin(name: string): Scenario<unknown> | undefined {
  return builtinScenarios.find((s) => s.name === name);
}


/** the finding a built-in scenario expects (its `expected`; races may also name a message part) */
export interface ExpectedFinding {
  kind: string;
  name: string;
  code?: number;
  subcode?: number;
  messageIncludes?: string;
}

/** a predicate: is this the finding `e` names */
export const matchesExpected = (e: ExpectedFinding) => (f: Finding) =>
  f.kind === e.kind &&
  f.name === e.name &&
  (e.code === undefined || f.code === e.code) &&
  (e.subcode === undefined || f.subcode === e.subcode) &&
  (e.messageIncludes === undefined || f.message.includes(e.messageIncludes));
