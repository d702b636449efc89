// Cancellation semantics (spec/kernel.md §2.2, §2.3, §3.4, §3.6): what IoCancelIrp and
// IoSetCancelRoutine return, where the cancel routine runs, thread exit cancelling the thread's
// IRPs, and CloseHandle sending IRP_MJ_CLEANUP without cancelling anything itself.
import { describe, expect, test } from 'vitest';
import {
  type DEVICE_OBJECT,
  DISPATCH_LEVEL,
  ERROR_IO_PENDING,
  ERROR_OPERATION_ABORTED,
  HasOverlappedIoCompleted,
  INFINITE,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KernelContext,
  type Routine,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type Win32Context,
} from '../../index.ts';
import { complete, describeFindings, finish, IOCTL_0, IOCTL_1, issue, openDevice, type Request, run, testDriver } from './harness.ts';

const held = (d: DEVICE_OBJECT) => d.DeviceExtension.held as IRP;

/** IOCTL_0 pends (with `routine` as cancel routine, if any); IOCTL_1 runs `onSecond` and completes */
function pendingDriver(
  routine: ((k: KernelContext, d: DEVICE_OBJECT, irp: IRP) => Routine<void>) | null,
  onSecond: (k: KernelContext, d: DEVICE_OBJECT) => Routine<void> = function* () {},
  extra: Partial<Record<number, (k: KernelContext, d: DEVICE_OBJECT, irp: IRP) => Routine<number>>> = {},
) {
  return testDriver({
    dispatch: {
      ...extra,
      [IRP_MJ_DEVICE_CONTROL]: function* Ioctl(k, d, Irp) {
        if (k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode === IOCTL_1) {
          yield* onSecond(k, d);
          return yield* complete(k, Irp, STATUS_SUCCESS);
        }
        yield* k.IoMarkIrpPending(Irp);
        d.DeviceExtension.held = Irp;
        if (routine !== null) yield* k.IoSetCancelRoutine(Irp, routine);
        return STATUS_PENDING;
      },
    },
  });
}

function* pendThenSecond(w: Win32Context): Routine<{ first: Request; aborted: boolean }> {
  const h = yield* openDevice(w);
  const first = yield* issue(w, h, IOCTL_0);
  yield* issue(w, h, IOCTL_1);
  const res = yield* finish(w, h, first);
  yield* w.CloseHandle(h);
  return { first, aborted: !res.ok && res.error === ERROR_OPERATION_ABORTED };
}

describe('IoCancelIrp and IoSetCancelRoutine (§2.2, §2.3)', () => {
  test('IoCancelIrp with a cancel routine set calls it in the caller, at DISPATCH_LEVEL holding the cancel spin lock, and returns TRUE', () => {
    const log: unknown[] = [];
    let aborted = false;
    const r = run(
      'cancel/with-routine',
      pendingDriver(
        function* Cancel(k, _d, Irp) {
          log.push(['routine', k.thread.name, k.KeGetCurrentIrql(), k.sys.cancelLock.owner === k.thread, Irp.Cancel, Irp.s.cancelRoutine]);
          yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
          yield* complete(k, Irp, STATUS_CANCELLED);
        },
        function* (k, d) {
          log.push(['IoCancelIrp', yield* k.IoCancelIrp(held(d)), k.KeGetCurrentIrql()]);
        },
      ),
      function* (w) {
        aborted = (yield* pendThenSecond(w)).aborted;
        return 0;
      },
    );
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(log).toEqual([
      ['routine', 'main', DISPATCH_LEVEL, true, true, null],
      ['IoCancelIrp', true, 0],
    ]);
    expect(aborted).toBe(true);
  });

  test('IoCancelIrp without a cancel routine returns FALSE, still sets Cancel, and releases the cancel spin lock', () => {
    const log: unknown[] = [];
    const r = run(
      'cancel/without-routine',
      pendingDriver(null, function* (k, d) {
        const irp = held(d);
        log.push(yield* k.IoCancelIrp(irp), irp.Cancel, k.sys.cancelLock.owner, k.KeGetCurrentIrql());
        yield* complete(k, irp, STATUS_CANCELLED);
      }),
      function* (w) {
        yield* pendThenSecond(w);
        return 0;
      },
    );
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(log).toEqual([false, true, null, 0]);
  });

  test('IoSetCancelRoutine returns the previous routine: NULL, then the first, then the second', () => {
    const log: unknown[] = [];
    function* A(): Routine<void> {}
    function* B(): Routine<void> {}
    const r = run(
      'cancel/set-returns-previous',
      testDriver({
        dispatch: {
          [IRP_MJ_DEVICE_CONTROL]: function* Ioctl(k, _d, Irp) {
            log.push(yield* k.IoSetCancelRoutine(Irp, A), yield* k.IoSetCancelRoutine(Irp, B), yield* k.IoSetCancelRoutine(Irp, null));
            return yield* complete(k, Irp, STATUS_SUCCESS);
          },
        },
      }),
      function* (w) {
        yield* issue(w, yield* openDevice(w), IOCTL_0);
        return 0;
      },
    );
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(log).toEqual([null, A, B]);
  });
});

describe('who cancels (§3.4, §3.6)', () => {
  test('a thread that exits with a request pending has it cancelled in its own context before its handle is signaled (§3.4)', () => {
    const log: unknown[] = [];
    const r = run(
      'cancel/thread-exit',
      pendingDriver(function* Cancel(k, _d, Irp) {
        log.push(['cancel routine on', k.thread.name]);
        yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
        yield* complete(k, Irp, STATUS_CANCELLED);
      }),
      function* (w) {
        const h = yield* openDevice(w);
        const param = { h, req: null as Request | null };
        const th = yield* w.CreateThread(null, 0, function* Issuer(w2: Win32Context, p: typeof param) {
          p.req = yield* issue(w2, p.h, IOCTL_0);
          return 0;
        }, param, 0, null);
        yield* w.WaitForSingleObject(th, INFINITE);
        const req = param.req!;
        log.push(['issued', req.error === ERROR_IO_PENDING], ['after exit', HasOverlappedIoCompleted(req.ov), req.ov.Internal]);
        yield* w.CloseHandle(h);
        return 0;
      },
    );
    // the application's own mistake (its OVERLAPPED outlives the thread) is Application Verifier's to report
    expect(r.findings.map((f) => `${f.kind} ${f.name}`), describeFindings(r)).toEqual(['appverifier THREAD_EXIT_WITH_PENDING_IO']);
    expect(log).toEqual([['cancel routine on', 'Issuer#1'], ['issued', true], ['after exit', true, STATUS_CANCELLED]]);
  });

  test('CloseHandle sends IRP_MJ_CLEANUP and cancels nothing by itself; IRP_MJ_CLOSE waits for the last request (§3.6)', () => {
    const log: unknown[] = [];
    const r = run(
      'cancel/close-handle',
      pendingDriver(
        function* Cancel(k, _d, Irp) {
          log.push(['cancel routine on', k.thread.name]);
          yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
          yield* complete(k, Irp, STATUS_CANCELLED);
        },
        undefined,
        {
          [IRP_MJ_CLEANUP]: function* Cleanup(k, d, Irp) {
            log.push(['cleanup', held(d).Cancel, held(d).s.cancelRoutine !== null]);
            return yield* complete(k, Irp, STATUS_SUCCESS);
          },
          [IRP_MJ_CLOSE]: function* Close(k, _d, Irp) {
            log.push(['close']);
            return yield* complete(k, Irp, STATUS_SUCCESS);
          },
        },
      ),
      function* (w) {
        const h = yield* openDevice(w);
        const req = yield* issue(w, h, IOCTL_0);
        yield* w.CloseHandle(h);
        log.push(['after CloseHandle', HasOverlappedIoCompleted(req.ov)]);
        return 0; // ExitProcess: thread rundown cancels the request
      },
    );
    expect(r.findings, describeFindings(r)).toEqual([]);
    expect(log).toEqual([['cleanup', false, true], ['after CloseHandle', false], ['cancel routine on', 'main'], ['close']]);
  });
});
