
import { C9 } from './bugcheck.ts';
import {
  DISPATCH_LEVEL,
  FO_SYNCHRONOUS_IO,
  IRP_BUFFERED_IO,
  IRP_INPUT_OPERATION,
  IRP_SYNCHRONOUS_API,
  SL_PENDING_RETURNED,
} from './constants.ts';
import type { KernelContext } from './context.ts';
import { irpState } from './iomgr.ts';
import type { IRP, IrpState } from './irp.ts';
import { dereferenceFileDeferred } from './ntio.ts';
import { queuePacket } from './port.ts';
import { NT_ERROR, NT_SUCCESS, STATUS_PENDING, statusText } from './status.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';

const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
const FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

export function* IoCompleteRequest(k: KernelContext, Irp: IRP, _PriorityBoost: number): Routine<void> {
  const { sys, thread: t } = k;
  yield* sp(sys, t, 'IoCompleteRequest', Irp.s.label);
  const s = Irp.touch('IoCompleteRequest');
  if (s.currentLocation > s.stackCount + 1) {
    sys.bugcheck('MULTIPLE_IRP_COMPLETE_REQUESTS', `${s.label} was completed twice (it was already completed with ${statusText(s.completedStatus ?? 0)})`, {
      irp: s.id,
    });
  }
  if (t.irql > DISPATCH_LEVEL) sys.verifierC9(0x0e, true, `IoCompleteRequest(${s.label}) at IRQL ${t.irql}`, s.id);
  if (s.status === STATUS_PENDING || s.status === 0xffffffff) {
    sys.verifierC9(C9.COMPLETED_WITH_STATUS_PENDING, true, `${s.label} was completed with status ${statusText(s.status)}`, s.id);
  }
  if (s.cancelRoutine !== null) {
    sys.verifierC9(
      C9.COMPLETED_WITH_CANCEL_ROUTINE,
      true,
      `${s.label} was completed while its cancel routine ${s.cancelRoutine.name || '(anonymous)'} is still set (IoSetCancelRoutine(Irp, NULL) first; enhanced I/O verification reports the same as 0x23C)`,
      s.id,
    );
  }
  // the cancel routine completing its IRP runs on the thread that called IoCancelIrp; another
  // thread completing it meanwhile is the double-completion window
  if (s.cancelRoutineRunning && s.cancellingThread !== t) sys.cover('completion while its cancel routine runs');
  else if (s.cancel) sys.cover('completion of a cancelled IRP');
  completeStageA(sys, s);
}

/** stage A after the checks; also used by the I/O manager for its own IRPs */
export function completeStageA(sys: NtSystem, s: IrpState): void {
  s.currentLocation = s.stackCount + 2;
  s.completedStatus = s.status;
  s.pendingReturned = (s.stack[0].Control & SL_PENDING_RETURNED) !== 0;
  irpState(sys, s, 'completing');
  if (s.internalDone !== null) {
    s.internalDone(s.status, s.information);
    return;
  }
  const th = s.thread;
  if (th === null || th.exited) {
    // a cancelled, disassociated IRP is freed silently (§1.5 step 7); thread-agnostic I/O (files
    // bound to a completion port) is finished in this context
    if (s.disassociated || th !== null) freeIrp(sys, s);
    else stageBInline(sys, s);
    return;
  }
  sys.queueKernelApc(th, { label: 'IopCompleteRequest', irp: s.id, routine: () => stageB(sys, th, s) });
}

/** thread-agnostic I/O (port-bound files, not linked to a thread): stage B runs in stage A's context */
function stageBInline(sys: NtSystem, s: IrpState): void {
  notifyAndFree(sys, null, s);
}

function* stageB(sys: NtSystem, th: KThread, s: IrpState): Routine<void> {
  sys.cover(th.wait !== null || th.inWaitApc ? 'stage B delivered into a wait' : 'stage B delivered at a scheduling point');
  yield* sp(sys, th, 'IopCompleteRequest', s.label);
  notifyAndFree(sys, th, s);
}

function notifyAndFree(sys: NtSystem, th: KThread | null, s: IrpState): void {
  irpState(sys, s, 'stage-b');
  const st = s.status;
  copyBack(sys, s);
  const fo = s.fileObject;
  const synchronous = (s.flags & IRP_SYNCHRONOUS_API) !== 0 || (fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) !== 0);
  if (!NT_ERROR(st) || (s.pendingReturned && !synchronous)) {
    if (s.userIosb !== null) {
      s.userIosb.Status = st;
      s.userIosb.Information = s.information;
    }
    signalCompletion(sys, s);
    unlink(th, s);
    const port = fo?.CompletionContext;
    const skipPort = fo !== null && (fo.notificationModes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) !== 0 && !s.pendingReturned && NT_SUCCESS(st);
    if (s.apcRoutine !== null && th !== null) {
      sys.queueUserApc(th, { routine: s.apcRoutine, args: [s.apcContext, s.userIosb, 0] });
    } else if (port != null && s.apcContext !== null && !skipPort) {
      queuePacket(sys, port.Port, { key: port.Key, overlapped: s.apcContext, status: st, information: s.information });
    }
  } else {
    if (s.pendingReturned && synchronous) {
      if (s.userIosb !== null) {
        s.userIosb.Status = st;
        s.userIosb.Information = s.information;
      }
      signalCompletion(sys, s);
    }
    unlink(th, s);
  }
  freeIrp(sys, s);
}

function copyBack(sys: NtSystem, s: IrpState): void {
  if ((s.flags & IRP_BUFFERED_IO) === 0 || (s.flags & IRP_INPUT_OPERATION) === 0 || NT_ERROR(s.status)) return;
  const from = s.systemBuffer;
  const to = s.userBuffer;
  if (from === null || to === null) return;
  const n = s.information;
  if (n > to.length || n > from.length) {
    sys.verifierC9(
      C9.INFORMATION_LARGER_THAN_BUFFER,
      false,
      `${s.label} completed with Information = ${n}, larger than its ${Math.min(to.length, from.length)}-byte buffer`,
      s.id,
    );
  }
  to.set(from.subarray(0, Math.min(n, to.length, from.length)));
}

function signalCompletion(sys: NtSystem, s: IrpState): void {
  const fo = s.fileObject;
  const syncFile = fo !== null && (fo.Flags & FO_SYNCHRONOUS_IO) !== 0;
  if (s.userEvent !== null) {
    s.userEvent.signalState = 1;
    sys.signal(s.userEvent);
  }
  if (fo !== null && (s.userEvent === null || syncFile)) {
    fo.FinalStatus = s.status;
    if ((fo.notificationModes & FILE_SKIP_SET_EVENT_ON_HANDLE) === 0 || syncFile) {
      fo.Event.signalState = 1;
      sys.signal(fo.Event);
    }
  }
}

function unlink(th: KThread | null, s: IrpState): void {
  if (th === null) return;
  const i = th.irpList.findIndex((irp) => irp.s === s);
  if (i >= 0) th.irpList.splice(i, 1);
}

export function freeIrp(sys: NtSystem, s: IrpState): void {
  const th = s.thread;
  if (th !== null) unlink(th, s);
  const fo = s.fileObject;
  if (fo !== null) {
    const i = fo.irps.indexOf(s);
    if (i >= 0) fo.irps.splice(i, 1);
  }
  irpState(sys, s, 'freed');
  if (fo !== null && s.internalDone === null) dereferenceFileDeferred(sys, fo);
}
