// `w`: the Win32 API a thread sees (API.md "Win32 side"), one per emulated thread. Names,
// parameter order, return values and GetLastError codes as Microsoft documents them; out-parameters
// are Ref<T>. Every call is entered with yield* and starts with a scheduling point, except the pure
// ones marked (sync). The implementations live in io.ts, sync.ts, cancel.ts, threads.ts, ports.ts.
import { type Engine, type Ref, type Routine, trackCalls } from '../core/index.ts';
import type { KThread, NtSystem } from '../kernel/index.ts';
import type { AppVerifier } from './appverifier.ts';
import type { W32 } from './base.ts';
import * as cancel from './cancel.ts';
import * as io from './io.ts';
import { HasOverlappedIoCompleted, type OVERLAPPED } from './overlapped.ts';
import * as ports from './ports.ts';
import * as sync from './sync.ts';
import * as threads from './threads.ts';

export class Win32Context implements W32 {
  constructor(
    readonly sys: NtSystem,
    readonly thread: KThread,
    readonly verifier: AppVerifier,
    private readonly threadFactory: threads.ThreadFactory,
  ) {}

  get engine(): Engine {
    return this.sys.engine;
  }

  // ---- files and overlapped I/O
  *CreateFile(lpFileName: string, dwDesiredAccess: number, dwShareMode: number, lpSecurityAttributes: unknown, dwCreationDisposition: number, dwFlagsAndAttributes: number, hTemplateFile: number): Routine<number> {
    return yield* io.CreateFile(this, lpFileName, dwDesiredAccess, dwShareMode, lpSecurityAttributes, dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
  }
  *DeviceIoControl(hDevice: number, dwIoControlCode: number, lpInBuffer: Uint8Array | null, nInBufferSize: number, lpOutBuffer: Uint8Array | null, nOutBufferSize: number, lpBytesReturned: Ref<number> | null, lpOverlapped: OVERLAPPED | null): Routine<boolean> {
    return yield* io.DeviceIoControl(this, hDevice, dwIoControlCode, lpInBuffer, nInBufferSize, lpOutBuffer, nOutBufferSize, lpBytesReturned, lpOverlapped);
  }
  *ReadFile(hFile: number, lpBuffer: Uint8Array | null, nNumberOfBytesToRead: number, lpNumberOfBytesRead: Ref<number> | null, lpOverlapped: OVERLAPPED | null): Routine<boolean> {
    return yield* io.ReadFile(this, hFile, lpBuffer, nNumberOfBytesToRead, lpNumberOfBytesRead, lpOverlapped);
  }
  *WriteFile(hFile: number, lpBuffer: Uint8Array | null, nNumberOfBytesToWrite: number, lpNumberOfBytesWritten: Ref<number> | null, lpOverlapped: OVERLAPPED | null): Routine<boolean> {
    return yield* io.WriteFile(this, hFile, lpBuffer, nNumberOfBytesToWrite, lpNumberOfBytesWritten, lpOverlapped);
  }
  *ReadFileEx(hFile: number, lpBuffer: Uint8Array | null, nNumberOfBytesToRead: number, lpOverlapped: OVERLAPPED | null, lpCompletionRoutine: Function): Routine<boolean> {
    return yield* io.ReadWriteFileEx(this, false, hFile, lpBuffer, nNumberOfBytesToRead, lpOverlapped, lpCompletionRoutine);
  }
  *WriteFileEx(hFile: number, lpBuffer: Uint8Array | null, nNumberOfBytesToWrite: number, lpOverlapped: OVERLAPPED | null, lpCompletionRoutine: Function): Routine<boolean> {
    return yield* io.ReadWriteFileEx(this, true, hFile, lpBuffer, nNumberOfBytesToWrite, lpOverlapped, lpCompletionRoutine);
  }
  *GetOverlappedResult(hFile: number, lpOverlapped: OVERLAPPED, lpNumberOfBytesTransferred: Ref<number> | null, bWait: boolean): Routine<boolean> {
    return yield* io.overlappedResult(this, false, hFile, lpOverlapped, lpNumberOfBytesTransferred, bWait ? 0xffffffff : 0, false);
  }
  *GetOverlappedResultEx(hFile: number, lpOverlapped: OVERLAPPED, lpNumberOfBytesTransferred: Ref<number> | null, dwMilliseconds: number, bAlertable: boolean): Routine<boolean> {
    return yield* io.overlappedResult(this, true, hFile, lpOverlapped, lpNumberOfBytesTransferred, dwMilliseconds, bAlertable);
  }
  /** (sync) */
  HasOverlappedIoCompleted(lpOverlapped: OVERLAPPED): boolean {
    return HasOverlappedIoCompleted(lpOverlapped);
  }
  *CancelIo(hFile: number): Routine<boolean> {
    return yield* cancel.CancelIo(this, hFile);
  }
  *CancelIoEx(hFile: number, lpOverlapped: OVERLAPPED | null): Routine<boolean> {
    return yield* cancel.CancelIoEx(this, hFile, lpOverlapped);
  }
  *CancelSynchronousIo(hThread: number): Routine<boolean> {
    return yield* cancel.CancelSynchronousIo(this, hThread);
  }
  *CloseHandle(hObject: number): Routine<boolean> {
    return yield* cancel.CloseHandle(this, hObject);
  }

  // ---- events, mutexes, semaphores, waits
  *CreateEvent(lpEventAttributes: unknown, bManualReset: boolean, bInitialState: boolean, lpName: string | null): Routine<number> {
    return yield* sync.CreateEvent(this, lpEventAttributes, bManualReset, bInitialState, lpName);
  }
  *OpenEvent(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string | null): Routine<number> {
    return yield* sync.OpenEvent(this, dwDesiredAccess, bInheritHandle, lpName);
  }
  *SetEvent(hEvent: number): Routine<boolean> {
    return yield* sync.SetEvent(this, hEvent);
  }
  *ResetEvent(hEvent: number): Routine<boolean> {
    return yield* sync.ResetEvent(this, hEvent);
  }
  *PulseEvent(hEvent: number): Routine<boolean> {
    return yield* sync.PulseEvent(this, hEvent);
  }
  *CreateMutex(lpMutexAttributes: unknown, bInitialOwner: boolean, lpName: string | null): Routine<number> {
    return yield* sync.CreateMutex(this, lpMutexAttributes, bInitialOwner, lpName);
  }
  *ReleaseMutex(hMutex: number): Routine<boolean> {
    return yield* sync.ReleaseMutex(this, hMutex);
  }
  *CreateSemaphore(lpSemaphoreAttributes: unknown, lInitialCount: number, lMaximumCount: number, lpName: string | null): Routine<number> {
    return yield* sync.CreateSemaphore(this, lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName);
  }
  *ReleaseSemaphore(hSemaphore: number, lReleaseCount: number, lpPreviousCount: Ref<number> | null): Routine<boolean> {
    return yield* sync.ReleaseSemaphore(this, hSemaphore, lReleaseCount, lpPreviousCount);
  }
  *WaitForSingleObject(hHandle: number, dwMilliseconds: number): Routine<number> {
    return yield* sync.waitHandles(this, 'WaitForSingleObject', [hHandle], false, dwMilliseconds, false);
  }
  *WaitForSingleObjectEx(hHandle: number, dwMilliseconds: number, bAlertable: boolean): Routine<number> {
    return yield* sync.waitHandles(this, 'WaitForSingleObjectEx', [hHandle], false, dwMilliseconds, bAlertable);
  }
  *WaitForMultipleObjects(nCount: number, lpHandles: readonly number[], bWaitAll: boolean, dwMilliseconds: number): Routine<number> {
    return yield* sync.WaitForMultipleObjectsEx(this, nCount, lpHandles, bWaitAll, dwMilliseconds, false);
  }
  *WaitForMultipleObjectsEx(nCount: number, lpHandles: readonly number[], bWaitAll: boolean, dwMilliseconds: number, bAlertable: boolean): Routine<number> {
    return yield* sync.WaitForMultipleObjectsEx(this, nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
  }
  *SignalObjectAndWait(hObjectToSignal: number, hObjectToWaitOn: number, dwMilliseconds: number, bAlertable: boolean): Routine<number> {
    return yield* sync.SignalObjectAndWait(this, hObjectToSignal, hObjectToWaitOn, dwMilliseconds, bAlertable);
  }
  *Sleep(dwMilliseconds: number): Routine<void> {
    yield* sync.SleepEx(this, dwMilliseconds, false);
  }
  *SleepEx(dwMilliseconds: number, bAlertable: boolean): Routine<number> {
    return yield* sync.SleepEx(this, dwMilliseconds, bAlertable);
  }

  // ---- threads, processes, APCs
  *CreateThread(lpThreadAttributes: unknown, dwStackSize: number, lpStartAddress: Function, lpParameter: unknown, dwCreationFlags: number, lpThreadId: Ref<number> | null): Routine<number> {
    return yield* threads.CreateThread(this, this.threadFactory, lpThreadAttributes, dwStackSize, lpStartAddress, lpParameter, dwCreationFlags, lpThreadId);
  }
  *ExitThread(dwExitCode: number): Routine<never> {
    return yield* threads.ExitThread(this, dwExitCode);
  }
  *TerminateThread(hThread: number, dwExitCode: number): Routine<boolean> {
    return yield* threads.TerminateThread(this, hThread, dwExitCode);
  }
  *GetExitCodeThread(hThread: number, lpExitCode: Ref<number>): Routine<boolean> {
    return yield* threads.GetExitCodeThread(this, hThread, lpExitCode);
  }
  *ExitProcess(uExitCode: number): Routine<never> {
    return yield* threads.ExitProcess(this, uExitCode);
  }
  *QueueUserAPC(pfnAPC: Function, hThread: number, dwData: unknown): Routine<number> {
    return yield* threads.QueueUserAPC(this, pfnAPC, hThread, dwData);
  }
  /** (sync) the pseudo-handle -2 */
  GetCurrentThread(): number {
    return -2;
  }
  /** (sync) the pseudo-handle -1 (== INVALID_HANDLE_VALUE) */
  GetCurrentProcess(): number {
    return -1;
  }
  /** (sync) */
  GetCurrentThreadId(): number {
    return this.thread.tid;
  }
  /** (sync) */
  GetLastError(): number {
    return this.thread.lastError;
  }
  /** (sync) */
  SetLastError(dwErrCode: number): void {
    this.thread.lastError = dwErrCode >>> 0;
  }

  // ---- completion ports
  *CreateIoCompletionPort(FileHandle: number, ExistingCompletionPort: number, CompletionKey: number, NumberOfConcurrentThreads: number): Routine<number> {
    return yield* ports.CreateIoCompletionPort(this, FileHandle, ExistingCompletionPort, CompletionKey, NumberOfConcurrentThreads);
  }
  *GetQueuedCompletionStatus(CompletionPort: number, lpNumberOfBytesTransferred: Ref<number>, lpCompletionKey: Ref<number>, lpOverlapped: Ref<unknown>, dwMilliseconds: number): Routine<boolean> {
    return yield* ports.GetQueuedCompletionStatus(this, CompletionPort, lpNumberOfBytesTransferred, lpCompletionKey, lpOverlapped, dwMilliseconds);
  }
  *GetQueuedCompletionStatusEx(CompletionPort: number, lpCompletionPortEntries: ports.OVERLAPPED_ENTRY[], ulCount: number, ulNumEntriesRemoved: Ref<number>, dwMilliseconds: number, fAlertable: boolean): Routine<boolean> {
    return yield* ports.GetQueuedCompletionStatusEx(this, CompletionPort, lpCompletionPortEntries, ulCount, ulNumEntriesRemoved, dwMilliseconds, fAlertable);
  }
  *PostQueuedCompletionStatus(CompletionPort: number, dwNumberOfBytesTransferred: number, dwCompletionKey: number, lpOverlapped: unknown): Routine<boolean> {
    return yield* ports.PostQueuedCompletionStatus(this, CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped);
  }
  *SetFileCompletionNotificationModes(FileHandle: number, Flags: number): Routine<boolean> {
    return yield* ports.SetFileCompletionNotificationModes(this, FileHandle, Flags);
  }
}
trackCalls(Win32Context.prototype);
