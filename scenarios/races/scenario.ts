// A race scenario (issue 5 item 3): one §8 race of spec/kernel.md, its driver and application, and
// the finding a Windows engineer expects when the interleaving happens — the same metadata as the
// seed scenarios (scenarios/seed/bugs.ts), plus the §8 item and, where the finding's kind is too
// broad on its own (a hang), a phrase its message must contain.
import { defineScenario, type DriverEntry, type Finding, type Scenario, type Win32Context, type Routine } from '../../index.ts';
import type { Expected } from '../seed/bugs.ts';
import { RaceApp } from './app.ts';

export interface RaceExpected extends Expected {
  /** the finding's message must contain this (e.g. 'IoCancelThreadIo' for a rundown hang) */
  messageIncludes?: string;
}

export interface RaceScenario extends Scenario<RaceApp> {
  /** the item of spec/kernel.md §8, e.g. '8a' */
  readonly race: string;
  readonly expected: RaceExpected;
}

interface Spec {
  race: string;
  slug: string;
  description: string;
  driver: DriverEntry;
  main: (w: Win32Context, app: RaceApp) => Routine<number>;
  expected: RaceExpected;
  deadlineMs?: number;
}

export function raceScenario(s: Spec): RaceScenario {
  const base = defineScenario<RaceApp>({
    name: `races/${s.race.replace(/^\d+/, (n) => n.padStart(2, '0'))}-${s.slug}`,
    description: s.description,
    drivers: { Race: s.driver },
    state: () => new RaceApp(),
    main: s.main,
    deadlineMs: s.deadlineMs ?? 30_000,
  });
  return { ...base, race: s.race, expected: s.expected };
}

/** does `f` match what the scenario expects? */
export function isExpectedFinding(f: Finding, e: RaceExpected): boolean {
  return (
    f.kind === e.kind &&
    f.name === e.name &&
    (e.code === undefined || f.code === e.code) &&
    (e.subcode === undefined || f.subcode === e.subcode) &&
    (e.messageIncludes === undefined || f.message.includes(e.messageIncludes))
  );
}

export const C4_135 = { kind: 'verifier' as const, name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', code: 0xc4, subcode: 0x135 };
export const MULTIPLE_COMPLETE = { kind: 'bugcheck' as const, name: 'MULTIPLE_IRP_COMPLETE_REQUESTS', code: 0x44 };
export const USE_AFTER_FREE = { kind: 'bugcheck' as const, name: 'DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL', code: 0xd5 };
export const C9 = { name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION', code: 0xc9 };
