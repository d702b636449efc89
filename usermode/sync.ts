// Events, mutexes, semaphores, waits and sleeps (spec/usermode.md §1–2). Return values and last
// errors as documented: creation sets the last error to 0 (or ERROR_ALREADY_EXISTS for an existing
// name); a successful or timed-out wait leaves it alone; a bad handle is WAIT_FAILED +
// ERROR_INVALID_HANDLE; a handle without SYNCHRONIZE (waits) or EVENT_MODIFY_STATE (SetEvent and
// co.) is ERROR_ACCESS_DENIED; WaitForMultipleObjects rejects pseudo-handles; an alertable wait that
// ran APCs returns WAIT_IO_COMPLETION without consuming its object (§6.1: queued APCs go first).
import type { Ref, Routine } from '../core/index.ts';
import {
  EVENT_ALL_ACCESS,
  EVENT_MODIFY_STATE,
  FILE_OBJECT,
  KEVENT,
  KMUTANT,
  type KObject,
  KSEMAPHORE,
  NotificationEvent,
  SYNCHRONIZE,
  STATUS_TIMEOUT,
  STATUS_USER_APC,
  SynchronizationEvent,
  syscall,
  waitForObjects,
} from '../kernel/index.ts';
import { accessOf, describeHandle, enter, objectOf, runUserApcs, SetLastErrorOf, type W32, waitableOf } from './base.ts';
import { MAXIMUM_WAIT_OBJECTS } from '../kernel/index.ts';
import { INFINITE, WAIT_FAILED, WAIT_IO_COMPLETION } from './constants.ts';
import {
  ERROR_ACCESS_DENIED,
  ERROR_ALREADY_EXISTS,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_NOT_OWNER,
  ERROR_TOO_MANY_POSTS,
} from './errors.ts';

const namedKey = (name: string) => `\\BaseNamedObjects\\${name}`;

/** inserts a handle for a new or existing object; named objects live in the namespace */
function open(w: W32, o: KObject, access: number): number {
  o.handleCount++;
  o.pointerCount++;
  const h = w.thread.process.handles.insert(o, access);
  w.verifier.handleCreated(w, h);
  return h;
}

function* createNamed<T extends KObject>(w: W32, api: string, name: string | null, make: () => T, isSame: (o: KObject) => boolean): Routine<number> {
  yield* enter(w, api, name ?? undefined);
  if (name !== null) {
    const existing = w.sys.namespace.get(namedKey(name));
    if (existing !== undefined) {
      if (!isSame(existing)) {
        SetLastErrorOf(w, ERROR_INVALID_HANDLE);
        return 0;
      }
      SetLastErrorOf(w, ERROR_ALREADY_EXISTS);
      return open(w, existing, EVENT_ALL_ACCESS);
    }
  }
  const o = make();
  if (name !== null) {
    o.objectName = namedKey(name);
    w.sys.namespace.set(o.objectName, o);
  }
  SetLastErrorOf(w, 0);
  return open(w, o, EVENT_ALL_ACCESS);
}

export function* CreateEvent(w: W32, _attrs: unknown, bManualReset: boolean, bInitialState: boolean, lpName: string | null): Routine<number> {
  const make = () => new KEVENT(w.sys.engine.newObjectId(), bManualReset ? NotificationEvent : SynchronizationEvent, bInitialState ? 1 : 0);
  return yield* createNamed(w, 'CreateEvent', lpName, make, (o) => o instanceof KEVENT);
}

export function* OpenEvent(w: W32, dwDesiredAccess: number, _bInherit: boolean, lpName: string | null): Routine<number> {
  yield* enter(w, 'OpenEvent', lpName ?? undefined);
  if (lpName === null) {
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return 0;
  }
  const o = w.sys.namespace.get(namedKey(lpName));
  if (o === undefined) {
    SetLastErrorOf(w, ERROR_FILE_NOT_FOUND);
    return 0;
  }
  if (!(o instanceof KEVENT)) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return 0;
  }
  return open(w, o, dwDesiredAccess);
}

/** the event SetEvent/ResetEvent/PulseEvent may modify: ERROR_INVALID_HANDLE, or ERROR_ACCESS_DENIED without EVENT_MODIFY_STATE (§1.2) */
function eventOf(w: W32, h: number): KEVENT | null {
  const o = objectOf(w, h);
  if (!(o instanceof KEVENT)) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return null;
  }
  if ((accessOf(w, h) & EVENT_MODIFY_STATE) === 0) {
    SetLastErrorOf(w, ERROR_ACCESS_DENIED);
    return null;
  }
  return o;
}

export function* SetEvent(w: W32, hEvent: number): Routine<boolean> {
  yield* enter(w, 'SetEvent', describeHandle(w, hEvent));
  const ev = eventOf(w, hEvent);
  if (ev === null) return false;
  ev.signalState = 1;
  w.sys.signal(ev);
  return true;
}

export function* ResetEvent(w: W32, hEvent: number): Routine<boolean> {
  yield* enter(w, 'ResetEvent', describeHandle(w, hEvent));
  const ev = eventOf(w, hEvent);
  if (ev === null) return false;
  ev.signalState = 0;
  return true;
}

/** sets the event, releases the waiters that can be released at this instant, resets it (§1.3) */
export function* PulseEvent(w: W32, hEvent: number): Routine<boolean> {
  yield* enter(w, 'PulseEvent', describeHandle(w, hEvent));
  const ev = eventOf(w, hEvent);
  if (ev === null) return false;
  ev.signalState = 1;
  w.sys.signal(ev);
  ev.signalState = 0;
  return true;
}

export function* CreateMutex(w: W32, _attrs: unknown, bInitialOwner: boolean, lpName: string | null): Routine<number> {
  const make = () => {
    const m = new KMUTANT(w.sys.engine.newObjectId());
    if (bInitialOwner) m.consume(w.thread);
    return m;
  };
  return yield* createNamed(w, 'CreateMutex', lpName, make, (o) => o instanceof KMUTANT);
}

export function* ReleaseMutex(w: W32, hMutex: number): Routine<boolean> {
  yield* enter(w, 'ReleaseMutex', describeHandle(w, hMutex));
  const m = objectOf(w, hMutex);
  if (!(m instanceof KMUTANT)) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return false;
  }
  if (m.owner !== w.thread) {
    SetLastErrorOf(w, ERROR_NOT_OWNER);
    return false;
  }
  if (--m.recursion === 0) {
    m.owner = null;
    w.thread.ownedMutants.splice(w.thread.ownedMutants.indexOf(m), 1);
    w.sys.signal(m);
  }
  return true;
}

export function* CreateSemaphore(w: W32, _attrs: unknown, lInitialCount: number, lMaximumCount: number, lpName: string | null): Routine<number> {
  if (lMaximumCount <= 0 || lInitialCount < 0 || lInitialCount > lMaximumCount) {
    yield* enter(w, 'CreateSemaphore');
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return 0;
  }
  const make = () => new KSEMAPHORE(w.sys.engine.newObjectId(), lInitialCount, lMaximumCount);
  return yield* createNamed(w, 'CreateSemaphore', lpName, make, (o) => o instanceof KSEMAPHORE);
}

export function* ReleaseSemaphore(w: W32, hSemaphore: number, lReleaseCount: number, lpPreviousCount: Ref<number> | null): Routine<boolean> {
  yield* enter(w, 'ReleaseSemaphore', describeHandle(w, hSemaphore));
  const s = objectOf(w, hSemaphore);
  if (!(s instanceof KSEMAPHORE)) {
    SetLastErrorOf(w, ERROR_INVALID_HANDLE);
    return false;
  }
  if (lReleaseCount <= 0 || s.count + lReleaseCount > s.limit) {
    SetLastErrorOf(w, lReleaseCount <= 0 ? ERROR_INVALID_PARAMETER : ERROR_TOO_MANY_POSTS);
    return false;
  }
  if (lpPreviousCount !== null) lpPreviousCount.value = s.count;
  s.count += lReleaseCount;
  w.sys.signal(s);
  return true;
}

/**
 * The wait every Win32 wait function shares; returns the WAIT_* value. Pseudo-handles are accepted
 * by the single-object waits only: WaitForMultipleObjects rejects them whatever nCount is (§2.2).
 */
export function* waitHandles(
  w: W32,
  api: string,
  handles: readonly number[],
  waitAll: boolean,
  ms: number,
  alertable: boolean,
  pseudoHandles = true,
): Routine<number> {
  yield* enter(w, api, handles.map((h) => describeHandle(w, h)).join(','));
  const objects = [];
  for (const h of handles) {
    w.verifier.beforeWait(w, h);
    const o = !pseudoHandles && (h === -1 || h === -2) ? undefined : objectOf(w, h);
    const d = o === undefined ? null : waitableOf(o);
    if (d === null) {
      SetLastErrorOf(w, ERROR_INVALID_HANDLE);
      return WAIT_FAILED;
    }
    // files are exempt: the kernel's NtCreateFile keeps only specific rights, and CreateFile always asks SYNCHRONIZE
    if (!(o instanceof FILE_OBJECT) && (accessOf(w, h) & SYNCHRONIZE) === 0) {
      SetLastErrorOf(w, ERROR_ACCESS_DENIED);
      return WAIT_FAILED;
    }
    objects.push(d);
  }
  const reason = `${api}(${handles.map((h) => describeHandle(w, h)).join(', ')})`;
  const timeoutMs = ms === INFINITE ? null : ms >>> 0;
  const { sys, thread: t } = w;
  const st = yield* syscall(sys, t, waitForObjects(sys, t, objects, { waitAll, alertable, userMode: true, timeoutMs, reason }));
  if (st === STATUS_USER_APC) {
    yield* runUserApcs(w);
    return WAIT_IO_COMPLETION;
  }
  return st === STATUS_TIMEOUT ? 0x102 : st;
}

export function* WaitForMultipleObjectsEx(
  w: W32,
  nCount: number,
  lpHandles: readonly number[],
  bWaitAll: boolean,
  dwMilliseconds: number,
  bAlertable: boolean,
): Routine<number> {
  if (nCount === 0 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles.length < nCount) {
    yield* enter(w, 'WaitForMultipleObjects');
    SetLastErrorOf(w, ERROR_INVALID_PARAMETER);
    return WAIT_FAILED;
  }
  return yield* waitHandles(w, 'WaitForMultipleObjects', lpHandles.slice(0, nCount), bWaitAll, dwMilliseconds, bAlertable, false);
}

export function* SleepEx(w: W32, dwMilliseconds: number, bAlertable: boolean): Routine<number> {
  const { sys, thread: t } = w;
  yield* enter(w, 'Sleep', dwMilliseconds === INFINITE ? 'INFINITE' : dwMilliseconds);
  if (dwMilliseconds === 0 && !(bAlertable && t.userApcs.length > 0)) return 0;
  const timeoutMs = dwMilliseconds === INFINITE ? null : dwMilliseconds >>> 0;
  const reason = `Sleep${bAlertable ? 'Ex' : ''}(${dwMilliseconds === INFINITE ? 'INFINITE' : dwMilliseconds})`;
  const st = yield* syscall(sys, t, waitForObjects(sys, t, [], { waitAll: false, alertable: bAlertable, userMode: true, timeoutMs, reason }));
  if (st === STATUS_USER_APC) {
    yield* runUserApcs(w);
    return WAIT_IO_COMPLETION;
  }
  return 0;
}

/** signals one object (event set, mutex release, semaphore +1), then waits on the other */
export function* SignalObjectAndWait(
  w: W32,
  hObjectToSignal: number,
  hObjectToWaitOn: number,
  dwMilliseconds: number,
  bAlertable: boolean,
): Routine<number> {
  yield* enter(w, 'SignalObjectAndWait', `${hObjectToSignal}→${hObjectToWaitOn}`);
  const o = hObjectToSignal === 0 || hObjectToWaitOn === 0 ? undefined : objectOf(w, hObjectToSignal);
  if (o instanceof KEVENT) {
    o.signalState = 1;
    w.sys.signal(o);
  } else if (o instanceof KSEMAPHORE && o.count < o.limit) {
    o.count++;
    w.sys.signal(o);
  } else if (o instanceof KMUTANT && o.owner === w.thread) {
    if (--o.recursion === 0) {
      o.owner = null;
      w.thread.ownedMutants.splice(w.thread.ownedMutants.indexOf(o), 1);
      w.sys.signal(o);
    }
  } else {
    // the NTSTATUS of the failed signal, mapped (§2.4): not owner, semaphore limit, or not signalable at all
    SetLastErrorOf(w, o instanceof KMUTANT ? ERROR_NOT_OWNER : o instanceof KSEMAPHORE ? ERROR_TOO_MANY_POSTS : ERROR_INVALID_HANDLE);
    return WAIT_FAILED;
  }
  return yield* waitHandles(w, 'SignalObjectAndWait.wait', [hObjectToWaitOn], false, dwMilliseconds, bAlertable);
}

