// Fault choices (issue 7 item 4): off by default; when asked for, Force Pending, IRP allocation
// failure and process exit are decisions that strategies explore and a replay reproduces.
import { describe, expect, test } from 'vitest';
import {
  defineScenario,
  ERROR_IO_PENDING,
  ERROR_NO_SYSTEM_RESOURCES,
  FILE_FLAG_OVERLAPPED,
  GENERIC_READ,
  GENERIC_WRITE,
  makeStrategy,
  OPEN_EXISTING,
  OVERLAPPED,
  simulate,
} from '../../index.ts';
import { IOCL_OVERLAP_NOTIFY } from '../../scenarios/seed/driver.ts';
import { FixedLockDriverEntry } from '../../scenarios/seed/fixed-lock.ts';

interface Seen {
  results: string[];
}

/** Notify with nothing pending: the corrected driver completes it at once with STATUS_NOT_FOUND (row D) */
const notifyAlone = defineScenario<Seen>({
  name: 'test/notify-alone',
  description: 'a synchronously failing request, under fault choices',
  drivers: { Overlapp: FixedLockDriverEntry },
  state: () => ({ results: [] }),
  main: function* (w, seen) {
    const h = yield* w.CreateFile('\\\\.\\Overlapp', GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
    const ov = new OVERLAPPED();
    ov.hEvent = yield* w.CreateEvent(null, true, false, null);
    const ok = yield* w.DeviceIoControl(h, IOCL_OVERLAP_NOTIFY, null, 0, null, 0, null, ov);
    seen.results.push(ok ? 'ok' : String(w.GetLastError()));
    yield* w.CloseHandle(h);
    seen.results.push('closed');
    return 0;
  },
});

function firstSeedWhere(faults: object, want: (s: Seen) => boolean): { seed: number; choices: number[] } | null {
  for (let seed = 0; seed < 400; seed++) {
    let seen: Seen = { results: [] };
    const scenario = { ...notifyAlone, state: () => (seen = { results: [] }) };
    const r = simulate(scenario, { seed, strategy: 'random', faults: faults });
    if (want(seen)) return { seed, choices: r.schedule.choices };
  }
  return null;
}

function replayResults(faults: object, choices: number[]): string[] {
  let seen: Seen = { results: [] };
  const scenario = { ...notifyAlone, state: () => (seen = { results: [] }) };
  simulate(scenario, { strategy: makeStrategy('replay', { choices }), faults: faults });
  return seen.results;
}

describe('fault choices', () => {
  test('without faults the synchronous failure is never reported as pending', () => {
    expect(firstSeedWhere({}, (s) => s.results[0] === String(ERROR_IO_PENDING))).toBeNull();
  });

  test('Force Pending turns the synchronous failure into ERROR_IO_PENDING in some schedule, and the replay reproduces it', () => {
    const hit = firstSeedWhere({ forcePending: true }, (s) => s.results[0] === String(ERROR_IO_PENDING));
    expect(hit).not.toBeNull();
    expect(replayResults({ forcePending: true }, hit!.choices)[0]).toBe(String(ERROR_IO_PENDING));
  });

  test('an IRP allocation failure gives ERROR_NO_SYSTEM_RESOURCES in some schedule, reproduced by replay', () => {
    const hit = firstSeedWhere({ allocationFailure: true }, (s) => s.results[0] === String(ERROR_NO_SYSTEM_RESOURCES));
    expect(hit).not.toBeNull();
    expect(replayResults({ allocationFailure: true }, hit!.choices)[0]).toBe(String(ERROR_NO_SYSTEM_RESOURCES));
  });

  test('process exit at a step ends the application before it finishes, and the replay stops at the same step', () => {
    const hit = firstSeedWhere({ processExit: true }, (s) => !s.results.includes('closed'));
    expect(hit).not.toBeNull();
    expect(replayResults({ processExit: true }, hit!.choices)).not.toContain('closed');
  });
});
