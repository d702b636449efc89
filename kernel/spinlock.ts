// Spin locks (spec/kernel.md §2.1, issue 3 item 3): acquiring raises to DISPATCH_LEVEL; acquiring a
// lock another thread holds spins — the task is blocked, not busy — until the holder releases it,
// and every spinner then races for it (who wins is the scheduler's decision). Re-acquiring one's own
// lock is a deadlock on a real machine: here a fatal finding.
import { KObject } from './objects.ts';
import type { KThread } from './thread.ts';

export class KSPIN_LOCK extends KObject {
  readonly type = 'Event'; // not a handle object; the type tag is unused
  owner: KThread | null = null;
  readonly spinners: KThread[] = [];
  /** IRQL the owner had before acquiring (KeReleaseSpinLock restores what the caller passes) */
  ownerOldIrql = 0;
  constructor(
    oid: number,
    readonly lockName: string,
  ) {
    super(oid, lockName);
  }
}
