
import { DISPATCH_LEVEL, UserMode } from './constants.ts';
import type { KernelContext } from './context.ts';
import type { DispatcherObject, KEVENT } from './dispatcher.ts';
import { type Routine, sp, waitAtDispatch, waitForObjects } from './wait.ts';

export function* KeSetEvent(k: KernelContext, Event: KEVENT, _Increment: number, _Wait: boolean): Routine<number> {
  yield* sp(k.sys, k.thread, 'KeSetEvent', Event.label);
  const previous = Event.signalState;
  Event.signalState = 1;
  k.sys.signal(Event);
  return previous;
}

export function* KeClearEvent(k: KernelContext, Event: KEVENT): Routine<void> {
  yield* sp(k.sys, k.thread, 'KeClearEvent', Event.label);
  Event.signalState = 0;
}

export function* KeResetEvent(k: KernelContext, Event: KEVENT): Routine<number> {
  yield* sp(k.sys, k.thread, 'KeResetEvent', Event.label);
  const previous = Event.signalState;
  Event.signalState = 0;
  return previous;
}

/** 100-ns units, negative = relative; positive (absolute) values count from boot; null = forever */
export function timeoutToMs(Timeout: number | bigint | null, nowMs: number): number | null {
  if (Timeout === null) return null;
  const t = Number(Timeout);
  if (t < 0) return Math.ceil(-t / 10_000);
  return Math.max(0, Math.ceil(t / 10_000) - nowMs);
}

export function* KeWaitForSingleObject(
  k: KernelContext,
  Object: DispatcherObject,
  _WaitReason: number,
  WaitMode: number,
  Alertable: boolean,
  Timeout: number | bigint | null,
): Routine<number> {
  const { sys, thread: t } = k;
  yield* sp(sys, t, 'KeWaitForSingleObject', Object.label);
  const timeoutMs = timeoutToMs(Timeout, sys.engine.nowMs);
  if (t.irql >= DISPATCH_LEVEL && timeoutMs !== 0) waitAtDispatch(sys, t, `KeWaitForSingleObject(${Object.label}) with a nonzero timeout`);
  return yield* waitForObjects(sys, t, [Object], {
    waitAll: false,
    alertable: Alertable,
    userMode: WaitMode === UserMode,
    timeoutMs,
    reason: `KeWaitForSingleObject(${Object.label})`,
  });
}

/** printf-style %s %d %i %u %x %X %p %c %% (with optional width/flags), as DbgPrint formats */
export function formatPrintf(fmt: string, args: readonly unknown[]): string {
  let i = 0;
  return String(fmt).replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?(?:l|ll|h|I64|w)?([sSdiuxXpc%])/g, (_m, _f, _w, _p, conv: string) => {
    if (conv === '%') return '%';
    const a = args[i++];
    switch (conv) {
      case 's':
      case 'S':
        return a instanceof Uint8Array ? cString(a) : String(a);
      case 'd':
      case 'i':
        return String(Math.trunc(Number(a)) | 0);
      case 'u':
        return String(Number(a) >>> 0);
      case 'x':
        return (Number(a) >>> 0).toString(16);
      case 'X':
        return (Number(a) >>> 0).toString(16).toUpperCase();
      case 'p':
        return typeof a === 'object' && a !== null ? String(a) : `0x${(Number(a) >>> 0).toString(16).padStart(8, '0')}`;
      default:
        return String.fromCharCode(Number(a));
    }
  });
}

/** a NUL-terminated byte string */
export function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return String.fromCharCode(...b.subarray(0, end < 0 ? b.length : end));
}

export function RtlCopyMemory(Destination: Uint8Array | null, Source: Uint8Array | null, Length: number): void {
  if (Length === 0) return;
  if (Destination === null || Source === null) {
    throw new TypeError(`RtlCopyMemory: access violation, ${Destination === null ? 'destination' : 'source'} is NULL`);
  }
  if (Length > Destination.length || Length > Source.length) {
    throw new RangeError(
      `RtlCopyMemory: access violation, copying ${Length} bytes from a ${Source.length}-byte buffer into a ${Destination.length}-byte buffer`,
    );
  }
  Destination.set(Source.subarray(0, Length));
}
