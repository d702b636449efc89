// Application-Verifier-style checks (issue 4 item 7), kind 'appverifier', the run goes on: a
// handle closed while another thread waits on it; a wait on a closed handle, and worse on a value
// that now names another object; an OVERLAPPED or buffer reused while its request is pending; a
// request without an OVERLAPPED on a handle opened with FILE_FLAG_OVERLAPPED; a thread that exits
// while a request it issued is still pending. Each distinct problem is reported once per run. A
// "stale" wait is one on a value the thread last knew as another object: getting a handle from a
// Create/Open call refreshes what the thread knows, so create-wait-close loops are not reported.
import { touchObject, tracked } from '../core/index.ts';
import type { KObject, KThread } from '../kernel/index.ts';
import { IoCompletionPort, STATUS_PENDING } from '../kernel/index.ts';
import { objectOf, type W32, waitableOf } from './base.ts';
import type { OVERLAPPED } from './overlapped.ts';

interface Pending {
  api: string;
  thread: KThread;
  buffers: (Uint8Array | null)[];
}

export class AppVerifier {
  // DPOR: who closed a handle value is tracked value per value, so a wait touches the value it
  // waits on and two threads' waits on different handles stay independent. What each thread last
  // knew a handle as is only ever read and written by that thread: thread-local, not tracked.
  private readonly closed = new Map<number, { label: string; by: string }>();
  private readonly closedKeys = new Map<number, object>();
  private readonly seen = new Map<KThread, Map<number, KObject>>();
  private readonly pending = tracked(new Map<OVERLAPPED, Pending>());
  private readonly reported = tracked(new Set<string>());

  private closedOf(v: number, write: boolean): { label: string; by: string } | undefined {
    let key = this.closedKeys.get(v);
    if (key === undefined) this.closedKeys.set(v, (key = {}));
    touchObject(key, write);
    return this.closed.get(v);
  }

  private report(w: W32, key: string, name: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    w.sys.engine.report({ kind: 'appverifier', name, message });
  }

  beforeWait(w: W32, h: number): void {
    if (h === -1 || h === -2) return;
    const v = h & ~3;
    const o = objectOf(w, v);
    const closed = this.closedOf(v, false);
    let seen = this.seen.get(w.thread);
    if (seen === undefined) this.seen.set(w.thread, (seen = new Map()));
    const before = seen.get(v);
    if (o === undefined && closed !== undefined) {
      this.report(w, `closed-wait:${w.thread.name}:${v}`, 'WAIT_ON_CLOSED_HANDLE', `${w.thread.name} waits on handle ${v}, which ${closed.by} closed (it named ${closed.label})`);
    } else if (o !== undefined && before !== undefined && before !== o) {
      this.report(
        w,
        `stale:${w.thread.name}:${v}`,
        'STALE_HANDLE_REUSED',
        `${w.thread.name} waits on handle ${v}, which named ${before.label} when it last used it; that handle was closed${closed ? ` by ${closed.by}` : ''} and the value now names ${o.label}`,
      );
    }
    if (o !== undefined) seen.set(v, o);
  }

  /** the thread got `h` from a Create/Open call: its next wait on `h` means this object (no stale report) */
  handleCreated(w: W32, h: number): void {
    const o = objectOf(w, h);
    if (o === undefined) return;
    let seen = this.seen.get(w.thread);
    if (seen === undefined) this.seen.set(w.thread, (seen = new Map()));
    seen.set(h & ~3, o);
  }

  beforeClose(w: W32, h: number): void {
    const o = objectOf(w, h);
    if (o === undefined) return;
    // closing a port under GetQueuedCompletionStatus is the documented way to stop its workers (§6.2)
    const d = o instanceof IoCompletionPort ? null : waitableOf(o);
    // the object's waiters, not every thread's wait: the same threads (a wait block is on its
    // objects' lists exactly while the thread's wait is registered), in creation order as the
    // process's thread list has them, but a close then touches only what it races with (DPOR)
    const waiters = new Set<KThread>();
    if (d !== null) for (const wb of d.waitList) if (wb.thread !== w.thread && wb.thread.process === w.thread.process) waiters.add(wb.thread);
    for (const t of [...waiters].sort((a, b) => a.tid - b.tid)) {
      this.report(w, `close-waited:${h}:${t.name}`, 'HANDLE_CLOSED_WHILE_WAITED_ON', `${w.thread.name} closes handle ${h} (${o.label}) while ${t.name} waits on it`);
    }
    this.closedOf(h & ~3, true);
    this.closed.set(h & ~3, { label: o.label, by: w.thread.name });
  }

  beforeRequest(w: W32, api: string, ov: OVERLAPPED, buffers: (Uint8Array | null)[]): void {
    for (const o of [...this.pending.keys()]) if (o.Internal !== STATUS_PENDING) this.pending.delete(o);
    const p = this.pending.get(ov);
    if (p !== undefined) {
      this.report(w, `ov:${api}:${p.thread.name}:${w.thread.name}`, 'OVERLAPPED_REUSED_WHILE_PENDING', `${w.thread.name} starts ${api} with an OVERLAPPED whose ${p.api} (by ${p.thread.name}) is still pending`);
      return;
    }
    for (const [, q] of this.pending) {
      if (buffers.some((b) => b !== null && q.buffers.includes(b))) {
        this.report(w, `buf:${api}:${q.thread.name}`, 'BUFFER_REUSED_WHILE_PENDING', `${w.thread.name} passes ${api} a buffer that ${q.api} (by ${q.thread.name}) still uses`);
      }
    }
  }

  afterRequest(w: W32, api: string, ov: OVERLAPPED, status: number, buffers: (Uint8Array | null)[]): void {
    if (status === STATUS_PENDING && ov.Internal === STATUS_PENDING) this.pending.set(ov, { api, thread: w.thread, buffers });
  }

  noOverlappedOnOverlappedHandle(w: W32, api: string, h: number): void {
    this.report(
      w,
      `sync-on-overlapped:${api}:${h}`,
      'SYNCHRONOUS_CALL_ON_OVERLAPPED_HANDLE',
      `${w.thread.name} calls ${api} without an OVERLAPPED on handle ${h}, which was opened with FILE_FLAG_OVERLAPPED: the call "fails in unpredictable ways" (DeviceIoControl docs)`,
    );
  }

  /** `t` ends (returns, ExitThread, or TerminateThread by `w`'s thread) */
  threadExit(w: W32, t: KThread = w.thread): void {
    for (const [ov, p] of this.pending) {
      if (p.thread !== t || ov.Internal !== STATUS_PENDING) continue;
      this.report(w, `exit:${t.name}`, 'THREAD_EXIT_WITH_PENDING_IO', `${t.name} exits while its ${p.api} is still pending; its OVERLAPPED and buffers may live on its stack`);
    }
  }
}
