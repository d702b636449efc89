// The Nt cancel services (spec/kernel.md §3.1–3.3, spec/usermode.md §4): NtCancelIoFile (the
// calling thread's requests on a file, newest first), NtCancelIoFileEx (the process's requests, one
// status block or all; STATUS_NOT_FOUND when none) and NtCancelSynchronousIoFile (a thread's
// synchronous request). None of them waits for the cancelled requests to complete: ReactOS's
// NtCancelIoFile polls until they are gone, Windows' behaviour is UNCONFIRMED, and issue 4 asks that
// cancellation return before completion.
import { IoCancelIrp } from './cancel.ts';
import { contextOf } from './context.ts';
import type { IO_STATUS_BLOCK } from './irp.ts';
import { fileOf } from './ntio.ts';
import { referenceByHandle } from './ob.ts';
import { type NTSTATUS, STATUS_INVALID_HANDLE, STATUS_NOT_FOUND, STATUS_SUCCESS } from './status.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';

/** NtCancelIoFile: this thread's requests on the handle, newest first; does not wait (see header) */
export function* NtCancelIoFile(sys: NtSystem, t: KThread, FileHandle: number): Routine<NTSTATUS> {
  yield* sp(sys, t, 'NtCancelIoFile', FileHandle);
  const f = fileOf(t, FileHandle);
  if ('status' in f) return f.status;
  const k = contextOf(sys, t);
  // this thread's requests on the file, newest first, including thread-agnostic (port-bound) ones
  const mine = f.fo.irps.filter((s) => s.issuer === t && s.phase !== 'freed').reverse();
  for (const s of mine) yield* IoCancelIrp(k, s.irp, true);
  return STATUS_SUCCESS;
}

/** NtCancelIoFileEx: the process's requests on the handle (one status block, or all); STATUS_NOT_FOUND if none */
export function* NtCancelIoFileEx(sys: NtSystem, t: KThread, FileHandle: number, IoRequestToCancel: IO_STATUS_BLOCK | null): Routine<NTSTATUS> {
  yield* sp(sys, t, 'NtCancelIoFileEx', FileHandle);
  const f = fileOf(t, FileHandle);
  if ('status' in f) return f.status;
  const k = contextOf(sys, t);
  const targets = f.fo.irps.filter(
    (s) => s.process === t.process && s.phase !== 'freed' && (IoRequestToCancel === null || s.userIosb === IoRequestToCancel),
  );
  for (const s of targets) {
    yield* IoCancelIrp(k, s.irp, true);
  }
  return targets.length === 0 ? STATUS_NOT_FOUND : STATUS_SUCCESS;
}

/** NtCancelSynchronousIoFile: the target thread's synchronous request; STATUS_NOT_FOUND if none */
export function* NtCancelSynchronousIoFile(sys: NtSystem, t: KThread, ThreadHandle: number): Routine<NTSTATUS> {
  yield* sp(sys, t, 'NtCancelSynchronousIoFile', ThreadHandle);
  const r = referenceByHandle<KThread>(t, ThreadHandle, 'Thread');
  if ('status' in r) return STATUS_INVALID_HANDLE;
  const irp = r.object.synchronousIrp;
  if (irp === null || irp.s.cancel) return STATUS_NOT_FOUND;
  yield* IoCancelIrp(contextOf(sys, t), irp, true);
  return STATUS_SUCCESS;
}
