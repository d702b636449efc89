// One scenario per seed bug (issue 5 item 2). Each runs the faithful port with the smallest fixes
// for the bugs that would otherwise stop the machine first (listed in `masks`), under the click
// script that exposes its own bug, and names the finding a Windows engineer would expect.
import { defineScenario, type Finding, type RunResult, type Scenario } from '../../index.ts';
import { TfrmMain } from './app.ts';
import { OverlappDriver, type SeedBug } from './driver.ts';
import { type Click, runScript } from './script.ts';

export interface Expected {
  kind: Finding['kind'];
  name: string;
  code?: number;
  subcode?: number;
}

export interface SeedScenario extends Scenario<TfrmMain> {
  readonly bug: SeedBug;
  readonly expected: Expected;
  /** the fixes applied so that this bug is the first thing that goes wrong */
  readonly masks: readonly SeedBug[];
  readonly script: readonly Click[];
}

interface Spec {
  bug: SeedBug;
  description: string;
  masks: SeedBug[];
  script: Click[];
  expected: Expected;
  check?: (run: RunResult, frm: TfrmMain) => string | undefined;
}

const pause = (ms: number): Click => ({ pause: ms });

function seedScenario(s: Spec): SeedScenario {
  const base = defineScenario<TfrmMain>({
    name: `seed/${s.bug}`,
    description: s.description,
    drivers: { Overlapp: OverlappDriver(s.masks) },
    state: () => new TfrmMain(new Set(s.masks)),
    main: function* (w, frm) {
      yield* runScript(w, frm, ['FormCreate', ...s.script]);
      return 0;
    },
    check: s.check,
  });
  return { ...base, bug: s.bug, expected: s.expected, masks: s.masks, script: s.script };
}

const C9 = { kind: 'bugcheck' as const, name: 'DRIVER_VERIFIER_IOMANAGER_VIOLATION', code: 0xc9 };

/** both workers must show the text they sent */
function bothReplied(_run: RunResult, frm: TfrmMain): string | undefined {
  if (frm.shown.length >= 2) return undefined;
  return `two requests and two notifies, but ${frm.shown.length} reply shown: a worker never got its answer`;
}

export const seedBugs: readonly SeedScenario[] = [
  seedScenario({
    bug: 'S1',
    description: 'the cancel routine never releases the cancel spin lock (request pending at exit)',
    masks: [],
    script: ['Async', pause(300), 'FormClose'],
    expected: { kind: 'bugcheck', name: 'DRIVER_RETURNED_HOLDING_CANCEL_LOCK', code: 0x11b },
  }),
  seedScenario({
    bug: 'S2',
    description: 'the saved IRP is completed without clearing its cancel routine',
    masks: [],
    script: ['Async', pause(300), 'Notify'],
    expected: { ...C9, subcode: 0x07 },
  }),
  seedScenario({
    bug: 'S3',
    description: 'notify races cancellation: CancelIoEx from another thread while Notify completes the IRP',
    masks: ['S1', 'S2', 'S5', 'S6'],
    script: ['Async', pause(300), 'CancelIoEx from another thread', 'Notify', pause(300), 'FormClose'],
    expected: { kind: 'bugcheck', name: 'MULTIPLE_IRP_COMPLETE_REQUESTS', code: 0x44 },
  }),
  seedScenario({
    bug: 'S4',
    description: 'the global is never cleared, so a second Notify completes a freed IRP',
    masks: ['S1', 'S2', 'S6'],
    script: ['Async', pause(300), 'Notify', pause(300), 'Notify'],
    expected: { kind: 'bugcheck', name: 'DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL', code: 0xd5 },
  }),
  seedScenario({
    bug: 'S5',
    description: 'Notify arrives before any request is pending (Async then Notify clicked quickly): NULL IRP',
    masks: ['S1', 'S2', 'S6'],
    script: ['Async', 'Notify', pause(300), 'FormClose'],
    expected: { kind: 'bugcheck', name: 'KMODE_EXCEPTION_NOT_HANDLED', code: 0x1e },
  }),
  seedScenario({
    bug: 'S6',
    description: 'the notify IRP (and any unknown IOCTL) returns STATUS_NOT_SUPPORTED without being completed',
    masks: ['S2'],
    script: ['Async', pause(300), 'Notify'],
    expected: { ...C9, subcode: 0x226 },
  }),
  seedScenario({
    bug: 'S7',
    description: 'Information = sizeof(pointer): the application receives 8 bytes instead of its text',
    masks: ['S1', 'S2', 'S6'],
    script: ['Async', pause(300), 'Notify', pause(300), 'FormClose'],
    expected: { kind: 'check', name: 'CHECK_FAILED' },
    check: (_run, frm) => {
      const sent = frm.edtBufferd_in.Text;
      const got = frm.shown[0];
      if (got === undefined || got === sent) return undefined;
      return `the application shows "${got}" (${got.length} bytes) instead of "${sent}": the driver set Information = sizeof(pointer)`;
    },
  }),
  seedScenario({
    bug: 'S8',
    description: 'a second Async click overwrites the global, orphaning the first IRP',
    masks: ['S1', 'S2', 'S4', 'S5', 'S6'],
    script: ['Async', pause(300), 'Async', pause(300), 'Notify', pause(300), 'Notify', pause(1000), 'FormClose'],
    expected: { kind: 'check', name: 'CHECK_FAILED' },
    check: bothReplied,
  }),
  seedScenario({
    bug: 'S9',
    description: 'the auto-reset event shared by all workers loses a wake-up: a worker polls forever',
    masks: ['S1', 'S2', 'S4', 'S5', 'S6', 'S8'],
    script: ['Async', pause(300), 'Notify', 'Async', pause(300), 'Notify', pause(1000), 'FormClose'],
    expected: { kind: 'check', name: 'CHECK_FAILED' },
    check: bothReplied,
  }),
  seedScenario({
    bug: 'S10',
    description: 'the driver never checks Irp->Cancel after setting its cancel routine: a cancel that comes first is lost',
    masks: ['S1', 'S2', 'S6'],
    script: ['Async', 'CancelIoEx from another thread', pause(10_000), 'FormClose'],
    expected: { kind: 'verifier', name: 'DRIVER_VERIFIER_DETECTED_VIOLATION', code: 0xc4, subcode: 0x135 },
  }),
  seedScenario({
    bug: 'S11',
    description: 'FormClose closes the event while a worker still waits on it, and the handle value is reused',
    masks: ['S1'],
    script: ['Async', pause(300), 'FormClose', 'FormCreate', pause(300)],
    expected: { kind: 'appverifier', name: 'STALE_HANDLE_REUSED' },
  }),
  seedScenario({
    bug: 'S12',
    description: 'Notify calls DeviceIoControl without an OVERLAPPED on a handle opened with FILE_FLAG_OVERLAPPED',
    masks: ['S2', 'S6'],
    script: ['Async', pause(300), 'Notify', pause(300), 'FormClose'],
    expected: { kind: 'appverifier', name: 'SYNCHRONOUS_CALL_ON_OVERLAPPED_HANDLE' },
  }),
];
