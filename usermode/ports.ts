// Completion ports (spec/usermode.md §6.2): create/associate, dequeue one or many packets (a
// packet already queued wins over a queued APC in the Ex form), post, and the notification modes.
import type { Ref, Routine } from '../core/index.ts';
import {
  IoCompletionPort,
  NT_SUCCESS,
  type Packet,
  queuePacket,
  STATUS_ABANDONED_WAIT_0,
  STATUS_TIMEOUT,
  STATUS_USER_APC,
  syscall,
  waitForObjects,
} from '../kernel/index.ts';
import { describeHandle, enter, failWith, objectOf, runUserApcs, SetLastErrorOf, type W32 } from './base.ts';
import { INFINITE, INVALID_HANDLE_VALUE, WAIT_IO_COMPLETION, WAIT_TIMEOUT } from './constants.ts';
import { ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER } from './errors.ts';
import { fileObjectOf } from './io.ts';

function portOf(w: W32, h: number): IoCompletionPort | null {
  const o = objectOf(w, h);
  return o instanceof IoCompletionPort ? o : null;
}

function insertHandle(w: W32, port: IoCompletionPort): number {
  port.handleCount++;
  port.pointerCount++;
  const h = w.thread.process.handles.insert(port, 0x1f0003);
  w.verifier.handleCreated(w, h);
  return h;
}

export function* CreateIoCompletionPort(
  w: W32,
  FileHandle: number,
  ExistingCompletionPort: number,
  CompletionKey: number,
  NumberOfConcurrentThreads: number,
): Routine<number> {
  yield* enter(w, 'CreateIoCompletionPort', describeHandle(w, FileHandle));
  if (FileHandle === INVALID_HANDLE_VALUE && ExistingCompletionPort !== 0) {
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return 0;
  }
  const fo = FileHandle === INVALID_HANDLE_VALUE ? null : fileObjectOf(w, FileHandle);
  if (FileHandle !== INVALID_HANDLE_VALUE && fo === null) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return 0;
  }
  let port = ExistingCompletionPort === 0 ? null : portOf(w, ExistingCompletionPort);
  if (ExistingCompletionPort !== 0 && port === null) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return 0;
  }
  if (fo !== null && fo.CompletionContext !== null) {
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return 0;
  }
  port ??= new IoCompletionPort(w.sys.engine.newObjectId(), NumberOfConcurrentThreads);
  if (fo !== null) fo.CompletionContext = { Port: port, Key: CompletionKey };
  return ExistingCompletionPort !== 0 ? ExistingCompletionPort : insertHandle(w, port);
}

function* dequeue(w: W32, api: string, h: number, ms: number, alertable: boolean): Routine<Packet | number> {
  const port = portOf(w, h);
  if (port === null) return 0xc0000008;
  const { sys, thread: t } = w;
  if (port.packets.length > 0) return port.packets.shift()!;
  const timeoutMs = ms === INFINITE ? null : ms >>> 0;
  const reason = `${api}(${port.label})`;
  const st = yield* syscall(sys, t, waitForObjects(sys, t, [port], { waitAll: false, alertable, userMode: true, timeoutMs, reason }));
  if (st === STATUS_TIMEOUT || st === STATUS_USER_APC) return st;
  const p = t.dequeuedPacket;
  t.dequeuedPacket = null;
  // a satisfied wait without a packet: the port was run down under the waiter (ERROR_ABANDONED_WAIT_0, §6.2)
  return p ?? STATUS_ABANDONED_WAIT_0;
}

export function* GetQueuedCompletionStatus(
  w: W32,
  CompletionPort: number,
  lpNumberOfBytesTransferred: Ref<number>,
  lpCompletionKey: Ref<number>,
  lpOverlapped: Ref<unknown>,
  dwMilliseconds: number,
): Routine<boolean> {
  yield* enter(w, 'GetQueuedCompletionStatus', describeHandle(w, CompletionPort));
  const r = yield* dequeue(w, 'GetQueuedCompletionStatus', CompletionPort, dwMilliseconds, false);
  if (typeof r === 'number') {
    lpOverlapped.value = null;
    if (r === STATUS_TIMEOUT) SetLastErrorOf(w, WAIT_TIMEOUT);
    else failWith(w, r);
    return false;
  }
  lpNumberOfBytesTransferred.value = r.information;
  lpCompletionKey.value = r.key;
  lpOverlapped.value = r.overlapped;
  if (NT_SUCCESS(r.status)) return true;
  failWith(w, r.status);
  return false;
}

export interface OVERLAPPED_ENTRY {
  lpCompletionKey: number;
  lpOverlapped: unknown;
  Internal: number;
  dwNumberOfBytesTransferred: number;
}

export function* GetQueuedCompletionStatusEx(
  w: W32,
  CompletionPort: number,
  lpCompletionPortEntries: OVERLAPPED_ENTRY[],
  ulCount: number,
  ulNumEntriesRemoved: Ref<number>,
  dwMilliseconds: number,
  fAlertable: boolean,
): Routine<boolean> {
  yield* enter(w, 'GetQueuedCompletionStatusEx', describeHandle(w, CompletionPort));
  const first = yield* dequeue(w, 'GetQueuedCompletionStatusEx', CompletionPort, dwMilliseconds, fAlertable);
  if (typeof first === 'number') {
    ulNumEntriesRemoved.value = 0;
    if (first === STATUS_USER_APC) {
      yield* runUserApcs(w);
      SetLastErrorOf(w, WAIT_IO_COMPLETION);
    } else if (first === STATUS_TIMEOUT) SetLastErrorOf(w, WAIT_TIMEOUT);
    else failWith(w, first);
    return false;
  }
  const port = portOf(w, CompletionPort)!;
  const got = [first];
  while (got.length < ulCount && port.packets.length > 0) got.push(port.packets.shift()!);
  got.forEach((p, i) => {
    lpCompletionPortEntries[i] = { lpCompletionKey: p.key, lpOverlapped: p.overlapped, Internal: p.status, dwNumberOfBytesTransferred: p.information };
  });
  ulNumEntriesRemoved.value = got.length;
  return true;
}

export function* PostQueuedCompletionStatus(
  w: W32,
  CompletionPort: number,
  dwNumberOfBytesTransferred: number,
  dwCompletionKey: number,
  lpOverlapped: unknown,
): Routine<boolean> {
  yield* enter(w, 'PostQueuedCompletionStatus', describeHandle(w, CompletionPort));
  const port = portOf(w, CompletionPort);
  if (port === null) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return false;
  }
  queuePacket(w.sys, port, { key: dwCompletionKey, overlapped: lpOverlapped, status: 0, information: dwNumberOfBytesTransferred });
  return true;
}

export function* SetFileCompletionNotificationModes(w: W32, FileHandle: number, Flags: number): Routine<boolean> {
  yield* enter(w, 'SetFileCompletionNotificationModes', describeHandle(w, FileHandle));
  const fo = fileObjectOf(w, FileHandle);
  if (fo === null) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return false;
  }
  fo.notificationModes = Flags;
  return true;
}
