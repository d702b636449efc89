// Thread and process rundown (spec/kernel.md §3.4–3.5). IoCancelThreadIo runs in the exiting
// thread: cancel every IRP on its list, then poll every 100 ms (kernel APCs — stage B — run during
// the delay) until the list is empty; after 3000 polls (300 s) the first remaining IRP is
// disassociated, as the MS docs describe for "IRPs not completed within 5 minutes". The last thread
// of a process then closes every handle of the process, lowest value first (ObKillProcess).
import { IoCancelIrp } from './cancel.ts';
import { APC_LEVEL, PASSIVE_LEVEL } from './constants.ts';
import { contextOf } from './context.ts';
import { NtClose } from './ntio.ts';
import type { NtSystem } from './system.ts';
import type { EPROCESS, KThread } from './thread.ts';
import { type Routine, waitForObjects } from './wait.ts';

export const RUNDOWN_POLL_MS = 100;
export const RUNDOWN_POLLS = 3000;

export function* IoCancelThreadIo(sys: NtSystem, t: KThread): Routine<void> {
  if (t.irpList.length === 0) return;
  const k = contextOf(sys, t);
  t.kernelDepth++;
  try {
    t.irql = APC_LEVEL;
    for (const irp of t.irpList.slice()) {
      if (irp.s.phase !== 'freed') yield* IoCancelIrp(k, irp, true);
    }
    t.irql = PASSIVE_LEVEL;
    for (let polls = 0; t.irpList.length > 0; polls++) {
      if (polls >= RUNDOWN_POLLS) {
        const irp = t.irpList.shift()!;
        irp.s.thread = null;
        irp.s.disassociated = true;
        sys.engine.note('irp:state', 'disassociated', irp.s.id);
        polls = 0;
        continue;
      }
      const waiting = t.irpList.map((i) => `${i.s.label}${i.s.cancel ? ' (cancelled)' : ''}`).join(', ');
      yield* waitForObjects(sys, t, [], {
        waitAll: false,
        alertable: false,
        userMode: false,
        timeoutMs: RUNDOWN_POLL_MS,
        reason: `IoCancelThreadIo: ${t.name} is exiting and waits for ${waiting} to complete`,
      });
    }
  } finally {
    t.kernelDepth--;
    t.irql = PASSIVE_LEVEL;
  }
}

export function* closeProcessHandles(sys: NtSystem, t: KThread, p: EPROCESS): Routine<void> {
  for (const h of p.handles.handles()) yield* NtClose(sys, t, h, p);
}

/** installs the rundown hooks on a system */
export function installRundown(sys: NtSystem): void {
  sys.threadRundown = (t) => IoCancelThreadIo(sys, t);
  sys.closeAllHandles = (t, p) => closeProcessHandles(sys, t, p);
}
