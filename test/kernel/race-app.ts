// The application for the race properties (spec/kernel.md §8 races 5 and 12): main issues overlapped
// requests while a Canceller thread calls CancelIoEx on each until it takes (or the request is done)
// and a Flusher thread asks the driver to complete its queue at 0 and 2 ms; with `slowLast` the last
// request is left to the Canceller racing the driver's cleanup (main closes the handle). Oracle:
// every request ends with STATUS_SUCCESS or STATUS_CANCELLED (or failed inline, ERROR_OPERATION_ABORTED).
import {
  defineScenario,
  type DriverEntry,
  ERROR_IO_PENDING,
  ERROR_OPERATION_ABORTED,
  INFINITE,
  OVERLAPPED,
  type Routine,
  type Scenario,
  STATUS_CANCELLED,
  STATUS_SUCCESS,
  type Win32Context,
} from '../../index.ts';
import { openDevice } from './harness.ts';
import { IOCTL_FLUSH, IOCTL_PEND, IOCTL_SLOW } from './queue-driver.ts';

export interface RaceOptions {
  requests: number;
  /** the Canceller sleeps cancelDelaysMs[i] before going after request i (0 = it races the dispatch routine) */
  cancelDelaysMs: number[];
  /** the last request is IOCTL_SLOW, left to the Canceller and to the driver's cleanup */
  slowLast: boolean;
  /** a second thread completing requests through IOCTL_FLUSH */
  flusher: boolean;
}

interface Shared {
  h: number;
  go: number;
  ovs: OVERLAPPED[];
  done: boolean[];
  cancelDelaysMs: number[];
}

export interface RaceState {
  /** the final status of each request (OVERLAPPED.Internal once its event was set) */
  results: number[];
}

function* Canceller(w: Win32Context, s: Shared): Routine<number> {
  yield* w.WaitForSingleObject(s.go, INFINITE);
  for (let i = 0; i < s.cancelDelaysMs.length; i++) {
    if (s.cancelDelaysMs[i] > 0) yield* w.Sleep(s.cancelDelaysMs[i]);
    for (let tries = 0; !s.done[i]; tries++) {
      if (yield* w.CancelIoEx(s.h, s.ovs[i])) break;
      yield* w.Sleep(tries < 8 ? 0 : 1);
    }
  }
  return 0;
}

function* Flusher(w: Win32Context, s: Shared): Routine<number> {
  yield* w.WaitForSingleObject(s.go, INFINITE);
  for (let round = 0; round < 2; round++) {
    const ov = new OVERLAPPED();
    ov.hEvent = yield* w.CreateEvent(null, true, false, null);
    yield* w.DeviceIoControl(s.h, IOCTL_FLUSH, null, 0, null, 0, null, ov);
    yield* w.WaitForSingleObject(ov.hEvent, INFINITE);
    yield* w.CloseHandle(ov.hEvent);
    yield* w.Sleep(2);
  }
  return 0;
}

/** a request that failed inline wrote nothing and signals nothing (§1.6): its error is the result */
const INLINE = 0x1_0000_0000;

function raceMain(o: RaceOptions) {
  return function* (w: Win32Context, state: RaceState): Routine<number> {
    const h = yield* openDevice(w);
    const s: Shared = { h, go: yield* w.CreateEvent(null, true, false, null), ovs: [], done: [], cancelDelaysMs: o.cancelDelaysMs };
    for (let i = 0; i < o.requests; i++) {
      s.ovs.push(new OVERLAPPED());
      s.ovs[i].hEvent = yield* w.CreateEvent(null, true, false, null);
    }
    const canceller = yield* w.CreateThread(null, 0, Canceller, s, 0, null);
    const flusher = o.flusher ? yield* w.CreateThread(null, 0, Flusher, s, 0, null) : 0;
    yield* w.SetEvent(s.go);
    const inline: (number | null)[] = [];
    for (let i = 0; i < o.requests; i++) {
      const code = o.slowLast && i === o.requests - 1 ? IOCTL_SLOW : IOCTL_PEND;
      const ok = yield* w.DeviceIoControl(h, code, new Uint8Array(4), 4, new Uint8Array(8), 8, null, s.ovs[i]);
      const error = ok ? 0 : w.GetLastError();
      inline.push(ok || error === ERROR_IO_PENDING ? null : INLINE + error);
      if (inline[i] !== null) s.done[i] = true;
    }
    const wait = function* (i: number) {
      if (inline[i] === null) yield* w.WaitForSingleObject(s.ovs[i].hEvent, INFINITE);
      s.done[i] = true;
    };
    const normal = o.slowLast ? o.requests - 1 : o.requests;
    for (let i = 0; i < normal; i++) yield* wait(i);
    if (flusher !== 0) yield* w.WaitForSingleObject(flusher, INFINITE);
    yield* w.CloseHandle(h);
    for (let i = normal; i < o.requests; i++) yield* wait(i);
    yield* w.WaitForSingleObject(canceller, INFINITE);
    for (let i = 0; i < o.requests; i++) state.results.push(inline[i] ?? s.ovs[i].Internal);
    return 0;
  };
}

export function raceScenario(name: string, driver: DriverEntry, o: RaceOptions): Scenario<RaceState> {
  return defineScenario<RaceState>({
    name,
    description: `${o.requests} requests, CancelIoEx from another thread${o.flusher ? ', a flusher thread' : ''}`,
    drivers: { Test: driver },
    main: raceMain(o),
    state: () => ({ results: [] }),
    deadlineMs: 30_000,
    check: (run, state) => {
      if (run.outcome !== 'ok') return undefined;
      const good = [STATUS_SUCCESS, STATUS_CANCELLED, INLINE + ERROR_OPERATION_ABORTED];
      const bad = state.results.filter((st) => !good.includes(st));
      if (state.results.length !== o.requests || bad.length > 0) return `requests ended with ${state.results.map((st) => `0x${st.toString(16)}`).join(', ')}`;
      return undefined;
    },
  });
}
