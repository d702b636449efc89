// TestDrv: a small, correct WDM driver that pends, succeeds, warns or fails on command, for the
// Win32 conformance tests (spec/usermode.md §3.4 rows A–D). The IOCTL code selects the outcome of
// a device-control request; IOCTL_TEST_SET_RW_MODE selects it for later reads and writes;
// IOCTL_TEST_COMPLETE completes the pended requests with the outcome in its first input byte.
// Pended requests sit in a driver queue under the race-free protocol of spec/kernel.md §2.5 (cancel
// routine set before testing Cancel; whoever clears the routine owns the IRP); IRP_MJ_CLEANUP
// completes the file object's queued IRPs with STATUS_CANCELLED (§3.7). "Held" requests are pended
// without a cancel routine: cancel and cleanup leave them alone (a driver that ignores both).
import {
  CTL_CODE,
  type DEVICE_OBJECT,
  DO_BUFFERED_IO,
  type DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  type FILE_OBJECT,
  IO_NO_INCREMENT,
  type IRP,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_READ,
  IRP_MJ_WRITE,
  type KernelContext,
  type KSPIN_LOCK,
  METHOD_BUFFERED,
  NT_SUCCESS,
  type Ref,
  type Routine,
  STATUS_BUFFER_OVERFLOW,
  STATUS_CANCELLED,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from '../../index.ts';

const code = (fn: number) => CTL_CODE(FILE_DEVICE_UNKNOWN, fn, METHOD_BUFFERED, FILE_ANY_ACCESS);
/** §3.4 row A: mark pending, queue cancelably, return STATUS_PENDING */
export const IOCTL_TEST_PEND = code(0x900);
/** row B: complete at once with STATUS_SUCCESS, Information = OutputBufferLength */
export const IOCTL_TEST_SUCCEED = code(0x901);
/** row C: complete at once with STATUS_BUFFER_OVERFLOW, Information = OutputBufferLength */
export const IOCTL_TEST_WARN = code(0x902);
/** row D: complete at once with STATUS_NOT_SUPPORTED (or the little-endian status in the input), Information = 7 */
export const IOCTL_TEST_FAIL = code(0x903);
/** pend without a cancel routine; cancel and cleanup ignore it, only IOCTL_TEST_COMPLETE ends it */
export const IOCTL_TEST_HOLD = code(0x904);
/** complete pended requests, oldest first: input[0] = Outcome.Success/Warn/Fail, input[1] = how many (0 = all) */
export const IOCTL_TEST_COMPLETE = code(0x905);
/** input[0] = the Mode of later IRP_MJ_READ / IRP_MJ_WRITE requests */
export const IOCTL_TEST_SET_RW_MODE = code(0x906);

/** how IOCTL_TEST_COMPLETE ends a pended request */
export const Outcome = { Success: 0, Warn: 1, Fail: 2 } as const;
/** what a read or write does when it arrives */
export const Mode = { Pend: 0, Succeed: 1, Warn: 2, Fail: 3, Hold: 4 } as const;

/** Information of a synchronous failure: never visible to user mode (row D writes nothing) */
export const FAIL_INFORMATION = 7;
/** Information of a pended request completed with an error: visible in InternalHigh (§3.8) */
export const PENDED_FAIL_INFORMATION = 3;
/** the byte a successful request writes into the caller's output buffer */
export const FILL = 0xab;

/** what the driver saw, for the tests to read */
export interface DriverStats {
  cancelRoutineCalls: number;
  cleanups: number;
  completedByCleanup: number;
  dispatched: number;
}

interface Ext {
  lock: KSPIN_LOCK;
  queue: IRP[];
  held: IRP[];
  rwMode: number;
  stats: DriverStats;
}

const extOf = (d: DEVICE_OBJECT) => d.DeviceExtension as unknown as Ext;

export interface TestDriver {
  DriverEntry: (k: KernelContext, DriverObject: DRIVER_OBJECT, RegistryPath: string) => Routine<number>;
  /** the stats of the last loaded instance */
  stats: DriverStats;
}

export function makeTestDriver(): TestDriver {
  const drv: TestDriver = {
    stats: { cancelRoutineCalls: 0, cleanups: 0, completedByCleanup: 0, dispatched: 0 },
    DriverEntry: function* DriverEntry(k, DriverObject, _RegistryPath) {
      const dev: Ref<DEVICE_OBJECT | null> = { value: null };
      const status = yield* k.IoCreateDevice(DriverObject, 0, '\\Device\\TestDrv', FILE_DEVICE_UNKNOWN, 0, false, dev);
      if (!NT_SUCCESS(status)) return status;
      drv.stats = { cancelRoutineCalls: 0, cleanups: 0, completedByCleanup: 0, dispatched: 0 };
      const ext: Ext = { lock: k.KeInitializeSpinLock(), queue: [], held: [], rwMode: Mode.Succeed, stats: drv.stats };
      Object.assign(dev.value!.DeviceExtension, ext);
      dev.value!.Flags |= DO_BUFFERED_IO;
      yield* k.IoCreateSymbolicLink('\\DosDevices\\TestDrv', '\\Device\\TestDrv');
      DriverObject.MajorFunction[IRP_MJ_CREATE] = TestCreateClose;
      DriverObject.MajorFunction[IRP_MJ_CLOSE] = TestCreateClose;
      DriverObject.MajorFunction[IRP_MJ_CLEANUP] = TestCleanup;
      DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = TestIoControl;
      DriverObject.MajorFunction[IRP_MJ_READ] = TestReadWrite;
      DriverObject.MajorFunction[IRP_MJ_WRITE] = TestReadWrite;
      return STATUS_SUCCESS;
    },
  };
  return drv;
}

function* completeWith(k: KernelContext, Irp: IRP, status: number, information: number): Routine<number> {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

function* TestCreateClose(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  return yield* completeWith(k, Irp, STATUS_SUCCESS, 0);
}

/** the request's length: what a successful completion reports as Information */
function lengthOf(k: KernelContext, Irp: IRP): number {
  const s = k.IoGetCurrentIrpStackLocation(Irp);
  if (s.MajorFunction === IRP_MJ_READ) return s.Parameters.Read.Length;
  if (s.MajorFunction === IRP_MJ_WRITE) return s.Parameters.Write.Length;
  return s.Parameters.DeviceIoControl.OutputBufferLength;
}

/** completes a request with an outcome: success or warning fill the output, an error reports 3 bytes */
function* finish(k: KernelContext, Irp: IRP, outcome: number): Routine<number> {
  if (outcome === Outcome.Fail) return yield* completeWith(k, Irp, STATUS_NOT_SUPPORTED, PENDED_FAIL_INFORMATION);
  const n = lengthOf(k, Irp);
  Irp.AssociatedIrp.SystemBuffer?.fill(FILL, 0, n);
  return yield* completeWith(k, Irp, outcome === Outcome.Warn ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS, n);
}

function* TestIoControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const ext = extOf(DeviceObject);
  ext.stats.dispatched++;
  const s = k.IoGetCurrentIrpStackLocation(Irp);
  const p = s.Parameters.DeviceIoControl;
  const input = Irp.AssociatedIrp.SystemBuffer?.subarray(0, p.InputBufferLength) ?? new Uint8Array(0);
  switch (p.IoControlCode) {
    case IOCTL_TEST_PEND:
      return yield* pend(k, ext, Irp);
    case IOCTL_TEST_HOLD:
      return yield* hold(k, ext, Irp);
    case IOCTL_TEST_SUCCEED:
      return yield* finish(k, Irp, Outcome.Success);
    case IOCTL_TEST_WARN:
      return yield* finish(k, Irp, Outcome.Warn);
    case IOCTL_TEST_FAIL: {
      const st = input.length >= 4 ? new DataView(input.buffer, input.byteOffset).getUint32(0, true) : STATUS_NOT_SUPPORTED;
      return yield* completeWith(k, Irp, st, FAIL_INFORMATION);
    }
    case IOCTL_TEST_COMPLETE: {
      const [outcome = Outcome.Success, count = 0] = input;
      for (const irp of yield* takeAll(k, ext, null, count)) yield* finish(k, irp, outcome);
      return yield* completeWith(k, Irp, STATUS_SUCCESS, 0);
    }
    case IOCTL_TEST_SET_RW_MODE:
      ext.rwMode = input[0] ?? Mode.Succeed;
      return yield* completeWith(k, Irp, STATUS_SUCCESS, 0);
    default:
      return yield* completeWith(k, Irp, STATUS_NOT_SUPPORTED, 0);
  }
}

function* TestReadWrite(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const ext = extOf(DeviceObject);
  ext.stats.dispatched++;
  switch (ext.rwMode) {
    case Mode.Pend:
      return yield* pend(k, ext, Irp);
    case Mode.Hold:
      return yield* hold(k, ext, Irp);
    case Mode.Warn:
      return yield* finish(k, Irp, Outcome.Warn);
    case Mode.Fail:
      return yield* completeWith(k, Irp, STATUS_NOT_SUPPORTED, FAIL_INFORMATION);
    default:
      return yield* finish(k, Irp, Outcome.Success);
  }
}

/** spec/kernel.md §2.5 "Enqueue": set the routine, then test Cancel; whoever clears it owns the IRP */
function* pend(k: KernelContext, ext: Ext, Irp: IRP): Routine<number> {
  const irql = yield* k.KeAcquireSpinLock(ext.lock);
  yield* k.IoMarkIrpPending(Irp);
  ext.queue.push(Irp);
  yield* k.IoSetCancelRoutine(Irp, TestCancel);
  if (Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
    ext.queue.splice(ext.queue.indexOf(Irp), 1);
    yield* k.KeReleaseSpinLock(ext.lock, irql);
    yield* completeWith(k, Irp, STATUS_CANCELLED, 0);
    return STATUS_PENDING;
  }
  yield* k.KeReleaseSpinLock(ext.lock, irql);
  return STATUS_PENDING;
}

function* hold(k: KernelContext, ext: Ext, Irp: IRP): Routine<number> {
  yield* k.IoMarkIrpPending(Irp);
  ext.held.push(Irp);
  return STATUS_PENDING;
}

/** §2.5 "Dequeue": the IRPs this caller now owns (queued ones whose routine it cleared, then held ones) */
function* takeAll(k: KernelContext, ext: Ext, file: FILE_OBJECT | null, max: number): Routine<IRP[]> {
  const mine: IRP[] = [];
  const irql = yield* k.KeAcquireSpinLock(ext.lock);
  for (const irp of ext.queue.slice()) {
    if (max > 0 && mine.length >= max) break;
    if (file !== null && k.IoGetCurrentIrpStackLocation(irp).FileObject !== file) continue;
    ext.queue.splice(ext.queue.indexOf(irp), 1);
    if ((yield* k.IoSetCancelRoutine(irp, null)) !== null) mine.push(irp);
  }
  yield* k.KeReleaseSpinLock(ext.lock, irql);
  if (file === null) while (ext.held.length > 0 && (max === 0 || mine.length < max)) mine.push(ext.held.shift()!);
  return mine;
}

/** §2.5 cancel routine: release the cancel lock first, then unlink under the queue lock, complete */
function* TestCancel(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql);
  const ext = extOf(DeviceObject);
  ext.stats.cancelRoutineCalls++;
  const irql = yield* k.KeAcquireSpinLock(ext.lock);
  const i = ext.queue.indexOf(Irp);
  if (i >= 0) ext.queue.splice(i, 1);
  yield* k.KeReleaseSpinLock(ext.lock, irql);
  yield* completeWith(k, Irp, STATUS_CANCELLED, 0);
}

/** spec/kernel.md §3.7: complete this file object's queued IRPs with STATUS_CANCELLED, then the cleanup IRP */
function* TestCleanup(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const ext = extOf(DeviceObject);
  ext.stats.cleanups++;
  const file = k.IoGetCurrentIrpStackLocation(Irp).FileObject;
  for (const irp of yield* takeAll(k, ext, file, 0)) {
    ext.stats.completedByCleanup++;
    yield* completeWith(k, irp, STATUS_CANCELLED, 0);
  }
  return yield* completeWith(k, Irp, STATUS_SUCCESS, 0);
}
