// The corrected versions (issue 5 item 4) under one click script that combines every seed race:
// two Async clicks, Notify twice, CancelIoEx from another thread, another Async, and FormClose
// while a request is still pending. The oracle: every request ends (its text, or
// ERROR_OPERATION_ABORTED), and nothing else is reported.
import { defineScenario, type DriverEntry, ERROR_NOT_FOUND, ERROR_OPERATION_ABORTED, INFINITE, type Routine, type Scenario, type Win32Context } from '../../index.ts';
import {
  FixedAsyncClick,
  FixedCancelFromAnotherThread,
  FixedFormClose,
  FixedFormCreate,
  FixedNotifyClick,
  TfrmFixed,
} from './fixed-app.ts';
import { FixedCsqDriverEntry } from './fixed-csq.ts';
import { FixedLockDriverEntry } from './fixed-lock.ts';

export const COMBINED_SCRIPT = ['Async', 'Async', 'Notify', 'CancelIoEx from another thread', 'Notify', 'Async', 'FormClose'] as const;

function* combinedScript(w: Win32Context, frm: TfrmFixed): Routine<number> {
  yield* FixedFormCreate(w, frm);
  for (const click of COMBINED_SCRIPT) {
    if (click === 'Async') yield* FixedAsyncClick(w, frm);
    else if (click === 'Notify') yield* FixedNotifyClick(w, frm);
    else if (click === 'FormClose') yield* FixedFormClose(w, frm);
    else yield* w.CloseHandle(yield* w.CreateThread(null, 0, FixedCancelFromAnotherThread, frm, 0, null));
  }
  return 0;
}

function everyRequestEnded(_run: unknown, frm: TfrmFixed): string | undefined {
  const asyncs = COMBINED_SCRIPT.filter((c) => c === 'Async').length;
  if (frm.outcomes.length !== asyncs) return `${asyncs} requests were issued but ${frm.outcomes.length} ended`;
  const sent = frm.edtBufferd_in.Text;
  const bad = frm.outcomes.filter((o) => o !== sent && o !== ERROR_OPERATION_ABORTED && o !== ERROR_NOT_FOUND);
  return bad.length === 0 ? undefined : `unexpected request outcomes: ${bad.join(', ')}`;
}

export function fixedScenario(name: string, description: string, driver: DriverEntry): Scenario<TfrmFixed> {
  return defineScenario<TfrmFixed>({
    name,
    description,
    drivers: { Overlapp: driver },
    state: () => new TfrmFixed(),
    main: combinedScript,
    check: everyRequestEnded,
  });
}

export const fixedLock = fixedScenario(
  'seed/fixed-lock',
  'corrected driver (queue lock + cancel-routine exchange, cleanup) and app under the combined click script',
  FixedLockDriverEntry,
);

export const fixedCsq = fixedScenario(
  'seed/fixed-csq',
  'corrected driver on a cancel-safe queue (IoCsq*) and app under the combined click script',
  FixedCsqDriverEntry,
);

/**
 * The corrected driver under a script small enough to check exhaustively (no polling loop): a
 * worker issues its request and says so; then Notify races CancelIoEx from another thread; the UI
 * waits for the worker and closes. Every schedule terminates: the request is either completed by
 * Notify or cancelled.
 */
function* boundedScript(w: Win32Context, frm: TfrmFixed): Routine<number> {
  yield* FixedFormCreate(w, frm);
  frm.issued = yield* w.CreateEvent(null, true, false, null);
  yield* FixedAsyncClick(w, frm);
  yield* w.WaitForSingleObject(frm.issued, INFINITE);
  yield* w.CloseHandle(yield* w.CreateThread(null, 0, FixedCancelFromAnotherThread, frm, 0, null));
  yield* FixedNotifyClick(w, frm);
  yield* w.WaitForMultipleObjects(frm.workers.length, frm.workers, true, INFINITE);
  for (const h of frm.workers.splice(0)) yield* w.CloseHandle(h);
  yield* w.CloseHandle(frm.m_hCommDevice);
  return 0;
}

export function boundedScenario(name: string, description: string, driver: DriverEntry): Scenario<TfrmFixed> {
  return defineScenario<TfrmFixed>({
    name,
    description,
    drivers: { Overlapp: driver },
    state: () => new TfrmFixed(),
    main: boundedScript,
    check: (_run, frm) => (frm.outcomes.length === 1 ? undefined : `the request did not end (${frm.outcomes.length} outcomes)`),
  });
}

export const fixedLockBounded = boundedScenario(
  'seed/fixed-lock-check',
  'corrected driver and app, Notify racing CancelIoEx after one request: small enough for irpsim check',
  FixedLockDriverEntry,
);

export const fixedCsqBounded = boundedScenario(
  'seed/fixed-csq-check',
  'the cancel-safe-queue driver and app, Notify racing CancelIoEx after one request: small enough for irpsim check',
  FixedCsqDriverEntry,
);
