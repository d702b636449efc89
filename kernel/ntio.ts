// The Nt file services the Win32 layer calls (spec/kernel.md §1.1, §3.1–3.3, §3.6): create (with
// IRP_MJ_CREATE), device control, read and write (the four outcomes of spec/usermode.md §3.4 fall
// out of dispatch + completion), close (IRP_MJ_CLEANUP on the last handle, IRP_MJ_CLOSE on the last
// reference). The cancel services are in ntcancel.ts. Fault choices (system.ts) can make an IRP
// allocation fail or force STATUS_PENDING (Driver Verifier's Force Pending).
import {
  DO_BUFFERED_IO,
  DO_DIRECT_IO,
  FILE_READ_ACCESS,
  FILE_READ_DATA,
  FILE_WRITE_ACCESS,
  FILE_WRITE_DATA,
  FO_ALERTABLE_IO,
  FO_CLEANUP_COMPLETE,
  FO_HANDLE_CREATED,
  FO_SYNCHRONOUS_IO,
  GENERIC_ALL,
  GENERIC_READ,
  GENERIC_WRITE,
  IRP_CLOSE_OPERATION,
  IRP_CREATE_OPERATION,
  IRP_INPUT_OPERATION,
  IRP_MJ_CLEANUP,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL,
  IRP_MJ_NAMES,
  IRP_MJ_READ,
  IRP_MJ_WRITE,
  IRP_SYNCHRONOUS_API,
  METHOD_BUFFERED,
  METHOD_NEITHER,
  NotificationEvent,
  SynchronizationEvent,
} from './constants.ts';
import { contextOf } from './context.ts';
import type { KEVENT } from './dispatcher.ts';
import { allocateIrp, FILE_OBJECT, IoCallDriver, irpState, resolveDevice, setBuffered } from './iomgr.ts';
import type { IO_STATUS_BLOCK, IRP } from './irp.ts';
import { referenceByHandle } from './ob.ts';
import { IoCompletionPort } from './port.ts';
import {
  hex,
  type NTSTATUS,
  STATUS_ABANDONED_WAIT_0,
  STATUS_ACCESS_DENIED,
  STATUS_ACCESS_VIOLATION,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_HANDLE,
  STATUS_INVALID_PARAMETER,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from './status.ts';
import type { NtSystem } from './system.ts';
import type { EPROCESS, KThread } from './thread.ts';
import { deliverKernelApcs, type Routine, sp, waitForObjects } from './wait.ts';
import { queueWork } from './workers.ts';

/** runs a service body as kernel code: termination waits for it, pending kernel APCs run on exit */
export function* syscall<T>(sys: NtSystem, t: KThread, body: Routine<T>): Routine<T> {
  t.kernelDepth++;
  let r: T;
  try {
    r = yield* body;
  } finally {
    t.kernelDepth--;
  }
  if (t.kernelApcs.length > 0 && t.irql === 0) yield* deliverKernelApcs(sys, t);
  return r;
}

function mapAccess(desired: number): number {
  let a = desired & 0x00ffffff; // specific and standard rights (SYNCHRONIZE among them)
  if (desired & (GENERIC_READ | GENERIC_ALL)) a |= FILE_READ_DATA;
  if (desired & (GENERIC_WRITE | GENERIC_ALL)) a |= FILE_WRITE_DATA;
  return a;
}

/** sends an I/O-manager IRP (create, cleanup, close) and waits for it; returns its final status */
function* sendInternal(sys: NtSystem, t: KThread, fo: FILE_OBJECT, major: number): Routine<NTSTATUS> {
  const irp = allocateIrp(sys, major, fo, null, '', true);
  const s = irp.s;
  s.flags = IRP_SYNCHRONOUS_API | (major === IRP_MJ_CREATE ? IRP_CREATE_OPERATION : IRP_CLOSE_OPERATION);
  const done = sys.newEvent(NotificationEvent, false);
  let final = STATUS_PENDING;
  s.internalDone = (status) => {
    final = status;
    done.signalState = 1;
    sys.signal(done);
  };
  let status = yield* IoCallDriver(contextOf(sys, t), fo.DeviceObject, irp);
  if (status === STATUS_PENDING) {
    const reason = `${IRP_MJ_NAMES[major]} of ${fo.label} (${s.label} pending in the driver)`;
    yield* waitForObjects(sys, t, [done], { waitAll: false, alertable: false, userMode: false, timeoutMs: null, reason });
    status = final;
  }
  irpState(sys, s, 'freed');
  return status;
}

export interface CreateResult {
  status: NTSTATUS;
  handle: number;
}

export function* NtCreateFile(
  sys: NtSystem,
  t: KThread,
  FileName: string,
  DesiredAccess: number,
  synchronous: boolean,
): Routine<CreateResult> {
  yield* sp(sys, t, 'NtCreateFile', FileName);
  const dev = resolveDevice(sys, FileName);
  if (dev === null) return { status: STATUS_OBJECT_NAME_NOT_FOUND, handle: 0 };
  const fo = new FILE_OBJECT(sys.engine.newObjectId(), dev, sys.newEvent(NotificationEvent, true), sys.newEvent(SynchronizationEvent, true));
  if (synchronous) fo.Flags |= FO_SYNCHRONOUS_IO;
  const status = yield* sendInternal(sys, t, fo, IRP_MJ_CREATE);
  if (status >>> 30 === 3 || status >>> 30 === 2) return { status, handle: 0 };
  fo.Flags |= FO_HANDLE_CREATED;
  fo.handleCount = 1;
  return { status: STATUS_SUCCESS, handle: t.process.handles.insert(fo, mapAccess(DesiredAccess)) };
}

export function fileOf(t: KThread, h: number): { fo: FILE_OBJECT; access: number } | { status: number } {
  const r = referenceByHandle<FILE_OBJECT>(t, h, 'File');
  if ('status' in r) return { status: STATUS_INVALID_HANDLE };
  return { fo: r.object, access: r.access };
}

interface RequestArgs {
  Event: number;
  ApcRoutine: Function | null;
  ApcContext: unknown;
  IoStatusBlock: IO_STATUS_BLOCK | null;
}

/** the common path of NtDeviceIoControlFile / NtReadFile / NtWriteFile after the IRP is built */
function* startRequest(
  sys: NtSystem,
  t: KThread,
  fo: FILE_OBJECT,
  ev: KEVENT | null,
  a: RequestArgs,
  build: (irp: IRP) => void,
  major: number,
  detail: string,
): Routine<NTSTATUS> {
  const sync = (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  if (sync) {
    yield* waitForObjects(sys, t, [fo.lock], { waitAll: false, alertable: false, userMode: false, timeoutMs: null, reason: `${fo.label} (synchronous I/O in progress)` });
  }
  if (ev !== null) ev.signalState = 0;
  fo.Event.signalState = 0;
  if (sys.faults.allocationFailure && sys.fault(true, `IRP allocation fails (${IRP_MJ_NAMES[major]})`)) {
    if (sync) releaseFileLock(sys, fo);
    return STATUS_INSUFFICIENT_RESOURCES;
  }
  // thread-agnostic I/O for files bound to a completion port: not cancelled by thread exit (§4.4)
  const agnostic = fo.CompletionContext !== null;
  const irp = allocateIrp(sys, major, fo, agnostic ? null : t, detail);
  const s = irp.s;
  s.process = t.process;
  s.issuer = t;
  s.userIosb = a.IoStatusBlock;
  s.userEvent = ev;
  s.apcRoutine = a.ApcRoutine;
  s.apcContext = a.ApcContext;
  build(irp);
  if (sync) t.synchronousIrp = irp;
  let status = yield* IoCallDriver(contextOf(sys, t), fo.DeviceObject, irp);
  if (sys.faults.forcePending && !sync && status !== STATUS_PENDING && s.phase !== 'freed' && sys.fault(true, `Force Pending: ${s.label} returned as STATUS_PENDING`)) {
    // as if the driver had marked it pending: stage B notifies the requester whatever the status
    s.pendingReturned = true;
    s.stack[0].Control |= 0x01;
    status = STATUS_PENDING;
  }
  if (sync) {
    if (status === STATUS_PENDING) {
      const alertable = (fo.Flags & FO_ALERTABLE_IO) !== 0;
      const reason = `${fo.label} (synchronous ${IRP_MJ_NAMES[major]}, ${s.label} pending)`;
      yield* waitForObjects(sys, t, [fo.Event], { waitAll: false, alertable, userMode: true, timeoutMs: null, reason });
      status = fo.FinalStatus;
    }
    t.synchronousIrp = null;
    releaseFileLock(sys, fo);
  }
  return status;
}

function releaseFileLock(sys: NtSystem, fo: FILE_OBJECT): void {
  fo.lock.signalState = 1;
  sys.signal(fo.lock);
}

function eventOf(t: KThread, h: number): KEVENT | null | { status: number } {
  if (h === 0) return null;
  const r = referenceByHandle<KEVENT>(t, h, 'Event');
  return 'status' in r ? { status: r.status } : r.object;
}

function checkRequest(t: KThread, FileHandle: number, a: RequestArgs): { fo: FILE_OBJECT; access: number; ev: KEVENT | null } | number {
  const f = fileOf(t, FileHandle);
  if ('status' in f) return f.status;
  if (f.fo.CompletionContext !== null && a.ApcRoutine !== null) return STATUS_INVALID_PARAMETER;
  const ev = eventOf(t, a.Event);
  if (ev !== null && 'status' in ev) return ev.status;
  return { fo: f.fo, access: f.access, ev };
}

export function* NtDeviceIoControlFile(
  sys: NtSystem,
  t: KThread,
  FileHandle: number,
  a: RequestArgs,
  IoControlCode: number,
  InputBuffer: Uint8Array | null,
  InputBufferLength: number,
  OutputBuffer: Uint8Array | null,
  OutputBufferLength: number,
): Routine<NTSTATUS> {
  yield* sp(sys, t, 'NtDeviceIoControlFile', hex(IoControlCode));
  const c = checkRequest(t, FileHandle, a);
  if (typeof c === 'number') return c;
  const need = (IoControlCode >>> 14) & 3;
  if ((need & FILE_READ_ACCESS && !(c.access & FILE_READ_DATA)) || (need & FILE_WRITE_ACCESS && !(c.access & FILE_WRITE_DATA))) {
    return STATUS_ACCESS_DENIED;
  }
  if (InputBufferLength > (InputBuffer?.length ?? 0) || OutputBufferLength > (OutputBuffer?.length ?? 0)) {
    return STATUS_ACCESS_VIOLATION;
  }
  const build = (irp: IRP) => {
    const s = irp.s;
    const p = s.stack[0].Parameters.DeviceIoControl;
    p.IoControlCode = IoControlCode >>> 0;
    p.InputBufferLength = InputBufferLength;
    p.OutputBufferLength = OutputBufferLength;
    const method = IoControlCode & 3;
    if (method === METHOD_BUFFERED) setBuffered(s, InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength);
    else if (method === METHOD_NEITHER) {
      p.Type3InputBuffer = InputBuffer;
      s.userBuffer = OutputBuffer;
    } else {
      setBuffered(s, InputBuffer, InputBufferLength, null, 0);
      s.mdl = OutputBufferLength > 0 ? (OutputBuffer?.subarray(0, OutputBufferLength) ?? null) : null;
    }
  };
  return yield* startRequest(sys, t, c.fo, c.ev, a, build, IRP_MJ_DEVICE_CONTROL, hex(IoControlCode));
}

export function* NtReadWriteFile(
  sys: NtSystem,
  t: KThread,
  write: boolean,
  FileHandle: number,
  a: RequestArgs,
  Buffer: Uint8Array | null,
  Length: number,
): Routine<NTSTATUS> {
  yield* sp(sys, t, write ? 'NtWriteFile' : 'NtReadFile', FileHandle);
  const c = checkRequest(t, FileHandle, a);
  if (typeof c === 'number') return c;
  if (!(c.access & (write ? FILE_WRITE_DATA : FILE_READ_DATA))) return STATUS_ACCESS_DENIED;
  if (Length > (Buffer?.length ?? 0)) return STATUS_ACCESS_VIOLATION;
  const build = (irp: IRP) => {
    const s = irp.s;
    const stack = s.stack[0].Parameters;
    if (write) stack.Write.Length = Length;
    else stack.Read.Length = Length;
    const flags = c.fo.DeviceObject.Flags;
    if (flags & DO_BUFFERED_IO) {
      if (write) setBuffered(s, Buffer, Length, null, 0);
      else {
        setBuffered(s, null, 0, Buffer, Length);
        s.flags |= IRP_INPUT_OPERATION;
      }
    } else if (flags & DO_DIRECT_IO) s.mdl = Buffer?.subarray(0, Length) ?? null;
    else s.userBuffer = Buffer;
  };
  return yield* startRequest(sys, t, c.fo, c.ev, a, build, write ? IRP_MJ_WRITE : IRP_MJ_READ, `${Length} bytes`);
}

/** closes one handle: IRP_MJ_CLEANUP when it was the file's last handle, IRP_MJ_CLOSE on the last reference */
export function* NtClose(sys: NtSystem, t: KThread, Handle: number, p: EPROCESS = t.process): Routine<NTSTATUS> {
  yield* sp(sys, t, 'NtClose', Handle);
  const e = p.handles.remove(Handle);
  if (e === undefined) return STATUS_INVALID_HANDLE;
  const o = e.object;
  o.handleCount--;
  if (o instanceof FILE_OBJECT) {
    if (o.handleCount === 0) {
      yield* sendInternal(sys, t, o, IRP_MJ_CLEANUP);
      o.Flags |= FO_CLEANUP_COMPLETE;
    }
    yield* dereferenceFileInline(sys, t, o);
  } else {
    o.pointerCount--;
    if (o.handleCount === 0 && o.objectName !== null && sys.namespace.get(o.objectName) === o) sys.namespace.delete(o.objectName);
    if (o.handleCount === 0 && o instanceof IoCompletionPort) runDownPort(sys, o);
  }
  return STATUS_SUCCESS;
}

function* dereferenceFileInline(sys: NtSystem, t: KThread, fo: FILE_OBJECT): Routine<void> {
  if (--fo.pointerCount > 0) return;
  fo.deleted = true;
  yield* sendInternal(sys, t, fo, IRP_MJ_CLOSE);
}

/** stage B drops each IRP's file reference at APC level: the close goes to the worker thread */
export function dereferenceFileDeferred(sys: NtSystem, fo: FILE_OBJECT): void {
  if (--fo.pointerCount > 0) return;
  fo.deleted = true;
  queueWork(sys, { label: `close ${fo.label}`, run: (w) => discard(sendInternal(sys, w, fo, IRP_MJ_CLOSE)) });
}

function* discard(r: Routine<unknown>): Routine<void> {
  yield* r;
}

/** the last handle of a completion port is closed: its waiters' waits end abandoned (§6.2, Vista+) */
function runDownPort(sys: NtSystem, port: IoCompletionPort): void {
  for (const wb of port.waitList.slice()) sys.wakeFromWait(wb.thread, { kind: 'satisfied', status: STATUS_ABANDONED_WAIT_0 });
}
