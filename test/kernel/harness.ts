// Shared pieces of the kernel tests: a DriverEntry that creates \Device\Test and its \DosDevices
// link, completion helpers, an application side that opens the device overlapped and issues
// METHOD_BUFFERED IOCTLs, and `run`, which simulates one scenario (by default with the schedule
// that never preempts, so a test sees exactly one interleaving).
import {
  CTL_CODE,
  type DEVICE_OBJECT,
  type DispatchRoutine,
  DO_BUFFERED_IO,
  type DriverEntry,
  defineScenario,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  FILE_FLAG_OVERLAPPED,
  type Finding,
  GENERIC_READ,
  GENERIC_WRITE,
  IO_NO_INCREMENT,
  type IRP,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  type KernelContext,
  METHOD_BUFFERED,
  makeStrategy,
  NT_SUCCESS,
  OPEN_EXISTING,
  OVERLAPPED,
  type Ref,
  type Routine,
  type RunResult,
  type SimulateOptions,
  STATUS_SUCCESS,
  simulate,
  type ThreadBody,
  type Win32Context,
} from '../../index.ts';

export const ioctl = (n: number): number => CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCTL_0 = ioctl(0);
export const IOCTL_1 = ioctl(1);

export interface TestDriverSpec {
  /** dispatch routines by IRP_MJ_*; create, close and cleanup default to completing with success */
  dispatch?: Partial<Record<number, DispatchRoutine>>;
  /** more DriverEntry work once the device exists */
  init?: (k: KernelContext, DeviceObject: DEVICE_OBJECT) => Routine<void>;
}

/** DriverEntry: \Device\Test (DO_BUFFERED_IO) and \DosDevices\Test, then the given routines */
export function testDriver(spec: TestDriverSpec = {}): DriverEntry {
  return function* DriverEntry(k, DriverObject) {
    const dev: Ref<DEVICE_OBJECT | null> = { value: null };
    const st = yield* k.IoCreateDevice(DriverObject, 0, '\\Device\\Test', FILE_DEVICE_UNKNOWN, 0, false, dev);
    if (!NT_SUCCESS(st)) return st;
    dev.value!.Flags |= DO_BUFFERED_IO;
    yield* k.IoCreateSymbolicLink('\\DosDevices\\Test', '\\Device\\Test');
    for (const mj of [IRP_MJ_CREATE, IRP_MJ_CLOSE, IRP_MJ_CLEANUP]) DriverObject.MajorFunction[mj] = CompleteSuccess;
    for (const [mj, routine] of Object.entries(spec.dispatch ?? {})) DriverObject.MajorFunction[Number(mj)] = routine ?? null;
    if (spec.init !== undefined) yield* spec.init(k, dev.value!);
    return STATUS_SUCCESS;
  };
}

export function* CompleteSuccess(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  return yield* complete(k, Irp, STATUS_SUCCESS);
}

/** sets the status block and completes; returns the status (what a dispatch routine returns) */
export function* complete(k: KernelContext, Irp: IRP, status: number, information = 0): Routine<number> {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

export function* openDevice(w: Win32Context): Routine<number> {
  return yield* w.CreateFile('\\\\.\\Test', GENERIC_READ | GENERIC_WRITE, 0, null, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, 0);
}

export interface Request {
  readonly ov: OVERLAPPED;
  readonly out: Uint8Array;
  /** DeviceIoControl's return value and GetLastError after it */
  readonly ok: boolean;
  readonly error: number;
}

/** an overlapped METHOD_BUFFERED DeviceIoControl with its own manual-reset event */
export function* issue(w: Win32Context, h: number, code: number, outLen = 16, outFill = 0): Routine<Request> {
  const ov = new OVERLAPPED();
  ov.hEvent = yield* w.CreateEvent(null, true, false, null);
  const out = new Uint8Array(outLen).fill(outFill);
  const input = new Uint8Array(4);
  const ok = yield* w.DeviceIoControl(h, code, input, input.length, out, outLen, null, ov);
  return { ov, out, ok, error: ok ? 0 : w.GetLastError() };
}

export interface Result {
  readonly ok: boolean;
  readonly error: number;
  readonly bytes: number;
}

/** GetOverlappedResult(bWait = TRUE) */
export function* finish(w: Win32Context, h: number, r: Request): Routine<Result> {
  const n = { value: 0 };
  const ok = yield* w.GetOverlappedResult(h, r.ov, n, true);
  return { ok, error: ok ? 0 : w.GetLastError(), bytes: n.value };
}

/** the schedule that never preempts: every decision takes option 0 */
export const noPreemption = () => makeStrategy('replay', { choices: [] });

export function run(name: string, driver: DriverEntry, main: ThreadBody<unknown>, options: SimulateOptions = {}): RunResult {
  const scenario = defineScenario({ name, description: name, drivers: { Test: driver }, main });
  return simulate(scenario, { strategy: noPreemption(), ...options });
}

export interface Expected {
  kind: Finding['kind'];
  name: string;
  code?: number;
  subcode?: number;
}

/** the fields a rule test compares */
export function shape(f: Finding | undefined): Expected | undefined {
  if (f === undefined) return undefined;
  const s: Expected = { kind: f.kind, name: f.name };
  if (f.code !== undefined) s.code = f.code;
  if (f.subcode !== undefined) s.subcode = f.subcode;
  return s;
}

/** one line per finding, for assertion messages */
export function describeFindings(r: RunResult): string {
  if (r.findings.length === 0) return `outcome ${r.outcome}, no findings`;
  const hex = (n: number | undefined) => (n === undefined ? '' : `0x${n.toString(16)}`);
  return `outcome ${r.outcome}: ${r.findings.map((f) => `${f.kind} ${f.name} ${hex(f.code)}/${hex(f.subcode)} — ${f.message}`).join(' | ')}`;
}
