// CancelIo, CancelIoEx, CancelSynchronousIo and CloseHandle (spec/usermode.md §4, §5): a cancel
// is a request, not a result — these return before anything completes; CloseHandle cancels nothing
// by itself (the driver's IRP_MJ_CLEANUP does); closing a pseudo-handle has no effect.
import type { Routine } from '../core/index.ts';
import { NtCancelIoFile, NtCancelIoFileEx, NtCancelSynchronousIoFile, NtClose, NT_SUCCESS, syscall } from '../kernel/index.ts';
import { describeHandle, enter, failWith, type W32 } from './base.ts';
import type { OVERLAPPED } from './overlapped.ts';

export function* CancelIo(w: W32, hFile: number): Routine<boolean> {
  yield* enter(w, 'CancelIo', describeHandle(w, hFile));
  const st = yield* syscall(w.sys, w.thread, NtCancelIoFile(w.sys, w.thread, hFile));
  if (NT_SUCCESS(st)) return true;
  failWith(w, st);
  return false;
}

export function* CancelIoEx(w: W32, hFile: number, lpOverlapped: OVERLAPPED | null): Routine<boolean> {
  yield* enter(w, 'CancelIoEx', describeHandle(w, hFile));
  const st = yield* syscall(w.sys, w.thread, NtCancelIoFileEx(w.sys, w.thread, hFile, lpOverlapped?.iosb ?? null));
  if (NT_SUCCESS(st)) return true;
  failWith(w, st);
  return false;
}

export function* CancelSynchronousIo(w: W32, hThread: number): Routine<boolean> {
  yield* enter(w, 'CancelSynchronousIo', describeHandle(w, hThread));
  const st = yield* syscall(w.sys, w.thread, NtCancelSynchronousIoFile(w.sys, w.thread, hThread));
  if (NT_SUCCESS(st)) return true;
  failWith(w, st);
  return false;
}

export function* CloseHandle(w: W32, hObject: number): Routine<boolean> {
  yield* enter(w, 'CloseHandle', describeHandle(w, hObject));
  if (hObject === -1 || hObject === -2) return true;
  w.verifier.beforeClose(w, hObject);
  const st = yield* syscall(w.sys, w.thread, NtClose(w.sys, w.thread, hObject));
  if (NT_SUCCESS(st)) return true;
  failWith(w, st);
  return false;
}
