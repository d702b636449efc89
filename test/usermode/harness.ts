// Helpers for the Win32 conformance tests: run one application against TestDrv with the replay
// strategy (every choice 0: no preemption, so a run is one fixed interleaving) and hand back the
// observations the threads recorded, plus small app-side wrappers around TestDrv's control codes.
import { expect } from 'vitest';
import {
  defineScenario,
  FILE_FLAG_OVERLAPPED,
  GENERIC_READ,
  GENERIC_WRITE,
  makeStrategy,
  OPEN_EXISTING,
  OVERLAPPED,
  type Routine,
  type RunResult,
  simulate,
  WAIT_OBJECT_0,
  type Win32Context,
} from '../../index.ts';
import { type DriverStats, IOCTL_TEST_COMPLETE, IOCTL_TEST_SET_RW_MODE, makeTestDriver } from './test-driver.ts';

/** what the threads observed, by name */
export type Obs = Record<string, unknown>;

export interface AppRun {
  result: RunResult;
  /** the observations of this run */
  s: Obs;
  stats: DriverStats;
}

export interface RunOptions {
  deadlineMs?: number;
  choices?: number[];
  /** more processes (image name → main), each with its own handle table, sharing the observations */
  processes?: Record<string, (w: Win32Context, s: Obs) => Routine<unknown>>;
}

/** runs `main` as the first thread of app.exe, with TestDrv loaded */
export function runApp(name: string, main: (w: Win32Context, s: Obs) => Routine<unknown>, o: RunOptions = {}): AppRun {
  const drv = makeTestDriver();
  let s: Obs = {};
  const scenario = defineScenario<Obs>({
    name: `test/usermode/${name}`,
    description: name,
    drivers: { TestDrv: drv.DriverEntry },
    state: () => ({}),
    main,
    processes: o.processes,
    deadlineMs: o.deadlineMs,
    check: (_run, state) => {
      s = state;
    },
  });
  const result = simulate(scenario, { strategy: makeStrategy('replay', { choices: o.choices ?? [] }) });
  return { result, s, stats: drv.stats };
}

const describe = (r: RunResult) => r.findings.map((f) => `${f.kind} ${f.name}: ${f.message}`).join('\n');

/** the run ended normally with no finding at all */
export function expectClean(r: AppRun): Obs {
  expect(describe(r.result)).toBe('');
  expect(r.result.outcome).toBe('ok');
  return r.s;
}

/** runs and expects a clean run; returns the observations */
export function observe(name: string, main: (w: Win32Context, s: Obs) => Routine<unknown>, o: RunOptions = {}): Obs {
  return expectClean(runApp(name, main, o));
}

/** runs, expects the run to end normally (findings allowed); returns observations and "kind NAME" of each finding */
export function observeFindings(name: string, main: (w: Win32Context, s: Obs) => Routine<unknown>, o: RunOptions = {}): { s: Obs; findings: string[] } {
  const r = runApp(name, main, o);
  expect(r.result.outcome, describe(r.result)).toBe('ok');
  return { s: r.s, findings: r.result.findings.map((f) => `${f.kind} ${f.name}`) };
}

export const DEVICE = '\\\\.\\TestDrv';

/** opens TestDrv; overlapped (FILE_FLAG_OVERLAPPED) unless told otherwise */
export function* open(w: Win32Context, overlapped = true): Routine<number> {
  return yield* w.CreateFile(DEVICE, GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, 0);
}

/** a synchronous handle for the control codes, so they never touch the handle under test */
export function* control(w: Win32Context): Routine<number> {
  return yield* open(w, false);
}

/** IOCTL_TEST_COMPLETE on a synchronous handle: completes pended requests with `outcome` */
export function* completePending(w: Win32Context, ctl: number, outcome: number, count = 0): Routine<boolean> {
  return yield* w.DeviceIoControl(ctl, IOCTL_TEST_COMPLETE, new Uint8Array([outcome, count]), 2, null, 0, null, null);
}

/** IOCTL_TEST_SET_RW_MODE: what later reads and writes do */
export function* setRwMode(w: Win32Context, ctl: number, mode: number): Routine<boolean> {
  return yield* w.DeviceIoControl(ctl, IOCTL_TEST_SET_RW_MODE, new Uint8Array([mode]), 1, null, 0, null, null);
}

/** WaitForSingleObject(h, 0) === WAIT_OBJECT_0 (consumes an auto-reset event: use manual ones) */
export function* isSignaled(w: Win32Context, h: number): Routine<boolean> {
  return (yield* w.WaitForSingleObject(h, 0)) === WAIT_OBJECT_0;
}

/** an OVERLAPPED with a fresh manual-reset, nonsignaled event */
export function* overlappedWithEvent(w: Win32Context, signaled = false): Routine<OVERLAPPED> {
  const ov = new OVERLAPPED();
  ov.hEvent = yield* w.CreateEvent(null, true, signaled, null);
  return ov;
}

/** the little-endian bytes of a 32-bit status, for IOCTL_TEST_FAIL */
export function statusBytes(status: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, status >>> 0, true);
  return b;
}
