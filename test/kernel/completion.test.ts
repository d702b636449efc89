// Completion, stage B (spec/kernel.md §1.6): the METHOD_BUFFERED copy-back of exactly
// IoStatus.Information bytes (warnings copy, errors do not), and the notification matrix rows for an
// asynchronous handle: pending + success, pending + error, inline success, inline error (which
// writes nothing and signals nothing).
import { describe, expect, test } from 'vitest';
import {
  ERROR_BAD_COMMAND,
  ERROR_INVALID_PARAMETER,
  ERROR_IO_PENDING,
  ERROR_MORE_DATA,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KernelContext,
  type Routine,
  STATUS_BUFFER_OVERFLOW,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
} from '../../index.ts';
import { complete, describeFindings, finish, ioctl, issue, openDevice, run, testDriver } from './harness.ts';

/** fills the whole system buffer with 0x11, then completes with (status, information) inline or from a DPC */
function* fillAndComplete(k: KernelContext, Irp: IRP, status: number, information: number, pend: boolean): Routine<number> {
  Irp.AssociatedIrp.SystemBuffer!.fill(0x11);
  if (!pend) return yield* complete(k, Irp, status, information);
  yield* k.IoMarkIrpPending(Irp);
  const dpc = k.KeInitializeDpc(null, function* CompleteDpc(k) {
    yield* complete(k, Irp, status, information);
  }, null);
  yield* k.KeInsertQueueDpc(dpc, null, null);
  return STATUS_PENDING;
}

interface Row {
  status: number;
  information: number;
  pend: boolean;
}

const ROWS: Row[] = [
  { status: STATUS_SUCCESS, information: 4, pend: true },
  { status: STATUS_INVALID_DEVICE_STATE, information: 4, pend: true },
  { status: STATUS_SUCCESS, information: 4, pend: false },
  { status: STATUS_INVALID_PARAMETER, information: 4, pend: false },
  { status: STATUS_BUFFER_OVERFLOW, information: 6, pend: false },
];

const matrixDriver = testDriver({
  dispatch: {
    [IRP_MJ_DEVICE_CONTROL]: function* Ioctl(k, _d, Irp) {
      const code = k.IoGetCurrentIrpStackLocation(Irp).Parameters.DeviceIoControl.IoControlCode;
      const row = ROWS[ROWS.findIndex((_r, i) => ioctl(i) === code)];
      return yield* fillAndComplete(k, Irp, row.status, row.information, row.pend);
    },
  },
});

interface Observed {
  ok: boolean;
  error: number;
  /** the event right after DeviceIoControl returned (WAIT_OBJECT_0 or WAIT_TIMEOUT) */
  eventAtReturn: number;
  /** after GetOverlappedResult (pending rows) or at once (inline rows) */
  internal: number;
  internalHigh: number;
  finalOk: boolean | null;
  finalError: number | null;
  out: number[];
}

function observe(row: number): Observed {
  let seen: Observed | null = null;
  const r = run(`completion/row-${row}`, matrixDriver, function* (w) {
    const h = yield* openDevice(w);
    const req = yield* issue(w, h, ioctl(row), 8, 0xee);
    const eventAtReturn = yield* w.WaitForSingleObject(req.ov.hEvent, 0);
    const res = req.error === ERROR_IO_PENDING ? yield* finish(w, h, req) : null;
    seen = {
      ok: req.ok,
      error: req.error,
      eventAtReturn,
      internal: req.ov.Internal,
      internalHigh: req.ov.InternalHigh,
      finalOk: res?.ok ?? null,
      finalError: res?.error ?? null,
      out: [...req.out],
    };
    yield* w.CloseHandle(h);
    return 0;
  });
  expect(r.findings, describeFindings(r)).toEqual([]);
  return seen!;
}

const copied = (n: number) => [...new Array(n).fill(0x11), ...new Array(8 - n).fill(0xee)];

describe('stage B (§1.6)', () => {
  test('pending + success: ERROR_IO_PENDING now; later the status block, the event and exactly Information bytes of copy-back', () => {
    const o = observe(0);
    expect(o).toMatchObject({ ok: false, error: ERROR_IO_PENDING, internal: STATUS_SUCCESS, internalHigh: 4, finalOk: true, finalError: 0 });
    expect(o.out).toEqual(copied(4));
  });

  test('pending + error: ERROR_IO_PENDING now; later the error in the status block and from GetOverlappedResult, and no copy-back', () => {
    const o = observe(1);
    expect(o).toMatchObject({ ok: false, error: ERROR_IO_PENDING, internal: STATUS_INVALID_DEVICE_STATE, finalOk: false, finalError: ERROR_BAD_COMMAND });
    expect(o.out).toEqual(copied(0));
  });

  test('inline success: TRUE, the event is already set, the status block written and exactly Information bytes copied', () => {
    const o = observe(2);
    expect(o).toMatchObject({ ok: true, eventAtReturn: WAIT_OBJECT_0, internal: STATUS_SUCCESS, internalHigh: 4 });
    expect(o.out).toEqual(copied(4));
  });

  test('inline error writes nothing: FALSE with the error, the event not set, Internal still STATUS_PENDING, nothing copied', () => {
    const o = observe(3);
    expect(o).toMatchObject({ ok: false, error: ERROR_INVALID_PARAMETER, eventAtReturn: WAIT_TIMEOUT, internal: STATUS_PENDING });
    expect(o.out).toEqual(copied(0));
  });

  test('a warning (STATUS_BUFFER_OVERFLOW) still copies Information bytes back and signals completion', () => {
    const o = observe(4);
    expect(o).toMatchObject({ ok: false, error: ERROR_MORE_DATA, eventAtReturn: WAIT_OBJECT_0, internal: STATUS_BUFFER_OVERFLOW, internalHigh: 6 });
    expect(o.out).toEqual(copied(6));
  });
});
