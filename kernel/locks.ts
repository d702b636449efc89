// Spin-lock operations and the cancel spin lock (spec/kernel.md §2.1, issue 3 item 3). Acquire and
// release are scheduling points before they take effect; a spinner is blocked until the owner
// releases, then every spinner races again. Acquiring a lock one already holds is a deadlock.
import { block, } from '../core/index.ts';
import { DISPATCH_LEVEL } from './constants.ts';
import type { KSPIN_LOCK } from './spinlock.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';

/** returns the IRQL before the acquire */
export function* acquireSpinLock(sys: NtSystem, t: KThread, lock: KSPIN_LOCK, op: string): Routine<number> {
  yield* sp(sys, t, op, lock.label);
  if (t.irql > DISPATCH_LEVEL) {
    sys.bugcheck('IRQL_NOT_LESS_OR_EQUAL', `${op}(${lock.lockName}) at IRQL ${t.irql} > DISPATCH_LEVEL`);
  }
  if (lock.owner === t) {
    sys.engine.fail({
      kind: 'deadlock',
      name: 'SPIN_LOCK_ALREADY_OWNED',
      message: `${t.name} acquires ${lock.lockName}, which it already holds: it would spin forever`,
    });
  }
  const old = t.irql;
  t.irql = DISPATCH_LEVEL;
  while (lock.owner !== null) {
    lock.spinners.push(t);
    t.spinningOn = lock;
    yield* block(`${lock.lockName} (held by ${lock.owner.name})`);
    t.spinningOn = null;
  }
  lock.owner = t;
  t.heldLocks.push(lock);
  return old;
}

export function* releaseSpinLock(sys: NtSystem, t: KThread, lock: KSPIN_LOCK, newIrql: number, op: string): Routine<void> {
  yield* sp(sys, t, op, lock.label);
  if (lock.owner !== t) {
    sys.engine.fail({
      kind: 'bugcheck',
      code: 0xc4,
      subcode: 0x32,
      name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
      message: `${t.name} releases ${lock.lockName}, which ${lock.owner === null ? 'nobody holds' : `${lock.owner.name} holds`}`,
    });
  }
  lock.owner = null;
  t.heldLocks.splice(t.heldLocks.indexOf(lock), 1);
  t.irql = newIrql;
  for (const s of lock.spinners.splice(0)) sys.engine.wake(s.task);
}

