// Files and overlapped I/O (spec/usermode.md §3): what kernel32 does around the Nt services —
// Internal preset to STATUS_PENDING, the completion value is the OVERLAPPED unless hEvent's low bit
// is set (§3.2), the four outcomes of the §3.4 matrix, GetOverlappedResult(Ex) (§3.9–3.10), and a
// NULL OVERLAPPED on an overlapped handle waiting on the file handle as ReactOS does (§3.5: the
// spec's choice; Application Verifier reports it).
import type { Ref, Routine } from '../core/index.ts';
import {
  FO_SYNCHRONOUS_IO,
  FILE_OBJECT,
  type IO_STATUS_BLOCK,
  NT_ERROR,
  NT_SUCCESS,
  NtCreateFile,
  NtDeviceIoControlFile,
  NtReadWriteFile,
  STATUS_PENDING,
  syscall,
} from '../kernel/index.ts';
import { describeHandle, enter, failWith, objectOf, SetLastErrorOf, type W32 } from './base.ts';
import { FILE_FLAG_OVERLAPPED, INFINITE, INVALID_HANDLE_VALUE, WAIT_FAILED, WAIT_IO_COMPLETION, WAIT_TIMEOUT } from './constants.ts';
import { ERROR_INVALID_PARAMETER, ERROR_IO_INCOMPLETE, RtlNtStatusToDosError } from './errors.ts';
import type { OVERLAPPED } from './overlapped.ts';
import { waitHandles } from './sync.ts';

export function* CreateFile(
  w: W32,
  lpFileName: string,
  dwDesiredAccess: number,
  _dwShareMode: number,
  _lpSecurityAttributes: unknown,
  _dwCreationDisposition: number,
  dwFlagsAndAttributes: number,
  _hTemplateFile: number,
): Routine<number> {
  yield* enter(w, 'CreateFile', lpFileName);
  const synchronous = (dwFlagsAndAttributes & FILE_FLAG_OVERLAPPED) === 0;
  const { sys, thread: t } = w;
  const r = yield* syscall(sys, t, NtCreateFile(sys, t, lpFileName, dwDesiredAccess, synchronous));
  if (!NT_SUCCESS(r.status)) {
    failWith(w, r.status);
    return INVALID_HANDLE_VALUE;
  }
  w.verifier.handleCreated(w, r.handle);
  return r.handle;
}

export function fileObjectOf(w: W32, h: number): FILE_OBJECT | null {
  const o = objectOf(w, h);
  return o instanceof FILE_OBJECT ? o : null;
}

const isOverlappedHandle = (w: W32, h: number) => {
  const fo = fileObjectOf(w, h);
  return fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) === 0;
};

/** completion value: the OVERLAPPED, or NULL when hEvent's low bit is set (no port packet) */
const cvalue = (ov: OVERLAPPED) => ((ov.hEvent & 1) !== 0 ? null : ov);

type Issue = (iosb: IO_STATUS_BLOCK, hEvent: number, apc: Function | null, ctx: unknown) => Routine<number>;

/** a request with an OVERLAPPED: returns the Nt status; Internal is preset, InternalHigh too if asked */
function* issueOverlapped(w: W32, ov: OVERLAPPED, api: string, buffers: (Uint8Array | null)[], zeroHigh: boolean, issue: Issue): Routine<number> {
  w.verifier.beforeRequest(w, api, ov, buffers);
  ov.Internal = STATUS_PENDING;
  if (zeroHigh) ov.InternalHigh = 0;
  const st = yield* syscall(w.sys, w.thread, issue(ov.iosb, ov.hEvent & ~3, null, cvalue(ov)));
  w.verifier.afterRequest(w, api, ov, st, buffers);
  return st;
}

/** a request without an OVERLAPPED: on an overlapped handle a pending request is waited for on the file handle */
function* issueBlocking(w: W32, h: number, api: string, issue: Issue): Routine<{ status: number; iosb: IO_STATUS_BLOCK }> {
  if (isOverlappedHandle(w, h)) w.verifier.noOverlappedOnOverlappedHandle(w, api, h);
  const iosb: IO_STATUS_BLOCK = { Status: STATUS_PENDING, Information: 0 };
  let status = yield* syscall(w.sys, w.thread, issue(iosb, 0, null, null));
  if (status === STATUS_PENDING) {
    const r = yield* waitHandles(w, `${api}.wait`, [h], false, INFINITE, false);
    if (r === WAIT_FAILED) return { status: 0xc0000008, iosb };
    status = iosb.Status;
  }
  return { status, iosb };
}

export function* DeviceIoControl(
  w: W32,
  hDevice: number,
  dwIoControlCode: number,
  lpInBuffer: Uint8Array | null,
  nInBufferSize: number,
  lpOutBuffer: Uint8Array | null,
  nOutBufferSize: number,
  lpBytesReturned: Ref<number> | null,
  lpOverlapped: OVERLAPPED | null,
): Routine<boolean> {
  yield* enter(w, 'DeviceIoControl', `${describeHandle(w, hDevice)} 0x${(dwIoControlCode >>> 0).toString(16)}`);
  const { sys, thread: t } = w;
  const issue: Issue = (iosb, hEvent, apc, ctx) =>
    NtDeviceIoControlFile(sys, t, hDevice, { Event: hEvent, ApcRoutine: apc, ApcContext: ctx, IoStatusBlock: iosb }, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize);
  if (lpOverlapped !== null && isOverlappedHandle(w, hDevice)) {
    const st = yield* issueOverlapped(w, lpOverlapped, 'DeviceIoControl', [lpInBuffer, lpOutBuffer], true, issue);
    if (!NT_ERROR(st) && lpBytesReturned !== null) lpBytesReturned.value = lpOverlapped.InternalHigh;
    if (!NT_SUCCESS(st) || st === STATUS_PENDING) {
      failWith(w, st);
      return false;
    }
    return true;
  }
  const { status, iosb } = yield* issueBlocking(w, hDevice, 'DeviceIoControl', issue);
  if (!NT_ERROR(status) && lpBytesReturned !== null) lpBytesReturned.value = iosb.Information;
  if (!NT_SUCCESS(status)) {
    failWith(w, status);
    return false;
  }
  return true;
}

function* readWrite(
  w: W32,
  write: boolean,
  hFile: number,
  buffer: Uint8Array | null,
  n: number,
  count: Ref<number> | null,
  ov: OVERLAPPED | null,
): Routine<boolean> {
  const api = write ? 'WriteFile' : 'ReadFile';
  yield* enter(w, api, describeHandle(w, hFile));
  const { sys, thread: t } = w;
  const issue: Issue = (iosb, hEvent, apc, ctx) =>
    NtReadWriteFile(sys, t, write, hFile, { Event: hEvent, ApcRoutine: apc, ApcContext: ctx, IoStatusBlock: iosb }, buffer, n);
  if (count !== null) count.value = 0;
  if (ov !== null && isOverlappedHandle(w, hFile)) {
    const st = yield* issueOverlapped(w, ov, api, [buffer], false, issue);
    if (count !== null) count.value = st === 0 ? ov.InternalHigh : 0;
    if (st === 0) return true;
    failWith(w, st);
    return false;
  }
  const { status, iosb } = yield* issueBlocking(w, hFile, api, issue);
  if (count !== null && !NT_ERROR(status)) count.value = iosb.Information;
  if (!NT_SUCCESS(status)) {
    failWith(w, status);
    return false;
  }
  return true;
}

export function ReadFile(w: W32, hFile: number, lpBuffer: Uint8Array | null, n: number, read: Ref<number> | null, ov: OVERLAPPED | null) {
  return readWrite(w, false, hFile, lpBuffer, n, read, ov);
}

export function WriteFile(w: W32, hFile: number, lpBuffer: Uint8Array | null, n: number, written: Ref<number> | null, ov: OVERLAPPED | null) {
  return readWrite(w, true, hFile, lpBuffer, n, written, ov);
}

/** the user APC kernel32 queues for ReadFileEx/WriteFileEx: calls the completion routine (§3.11) */
function* ioCompletionApc(w: W32, ctx: { routine: Function; ov: OVERLAPPED }, iosb: IO_STATUS_BLOCK): Routine<void> {
  yield* ctx.routine(w, RtlNtStatusToDosError(iosb.Status), iosb.Information, ctx.ov);
}

export function* ReadWriteFileEx(
  w: W32,
  write: boolean,
  hFile: number,
  buffer: Uint8Array | null,
  n: number,
  ov: OVERLAPPED | null,
  routine: Function,
): Routine<boolean> {
  const api = write ? 'WriteFileEx' : 'ReadFileEx';
  yield* enter(w, api, describeHandle(w, hFile));
  if (ov === null) {
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return false;
  }
  const { sys, thread: t } = w;
  w.verifier.beforeRequest(w, api, ov, [buffer]);
  ov.Internal = STATUS_PENDING;
  ov.InternalHigh = 0;
  const args = { Event: 0, ApcRoutine: ioCompletionApc, ApcContext: { routine, ov }, IoStatusBlock: ov.iosb };
  const st = yield* syscall(sys, t, NtReadWriteFile(sys, t, write, hFile, args, buffer, n));
  w.verifier.afterRequest(w, api, ov, st, [buffer]);
  // TRUE for pending or a plain success; a warning is FALSE with its error although the routine still runs (§3.4 row C)
  if (st === STATUS_PENDING || st === 0) return true;
  failWith(w, st);
  return false;
}

/** §3.9 (bWait) and §3.10 (timeout, alertable); `ex` selects GetOverlappedResultEx's error codes */
export function* overlappedResult(
  w: W32,
  ex: boolean,
  hFile: number,
  ov: OVERLAPPED,
  lpNumberOfBytesTransferred: Ref<number> | null,
  ms: number,
  alertable: boolean,
): Routine<boolean> {
  const api = ex ? 'GetOverlappedResultEx' : 'GetOverlappedResult';
  yield* enter(w, api, describeHandle(w, hFile));
  if (ov.Internal === STATUS_PENDING) {
    if (ms === 0) {
      SetLastErrorOf(w, ERROR_IO_INCOMPLETE);
      return false;
    }
    const h = ov.hEvent !== 0 ? ov.hEvent : hFile;
    const r = yield* waitHandles(w, `${api}.wait`, [h], false, ms, alertable);
    if (r === WAIT_FAILED) return false;
    if (r === WAIT_TIMEOUT || r === WAIT_IO_COMPLETION) {
      SetLastErrorOf(w, r);
      return false;
    }
  }
  if (lpNumberOfBytesTransferred !== null) lpNumberOfBytesTransferred.value = ov.InternalHigh;
  if (NT_SUCCESS(ov.Internal)) return true;
  failWith(w, ov.Internal);
  return false;
}
