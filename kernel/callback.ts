// Driver callbacks the system runs on its own threads (issue 3 item 5; API.md "Kernel side": every
// driver callback is a generator function taking k first). An exception in one is bug check 0x1E
// (spec/kernel.md §6.1); returning at another IRQL than it was called at is the bug check Windows
// raises for that kind of routine; returning with a spin lock held is reported as Driver
// Verifier's DDI-compliance SpinLock rule, 0xC4/0x00040009 (§6.1, §6.3) [DERIVED: no bug check fires
// on the real machine until someone else spins on the lock].
import { describeFunction, isGeneratorFunction, type Routine } from '../core/index.ts';
import { C4 } from './bugcheck.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';

/** a routine handed to the kernel must be a generator function: a plain one is a determinism finding */
export function requireRoutine(sys: NtSystem, f: unknown, what: string): void {
  if (isGeneratorFunction(f)) return;
  sys.engine.fail({
    kind: 'determinism',
    name: 'NOT_A_GENERATOR',
    message: `${what} must be a generator function (function* (k, …) { … }), got ${describeFunction(f)}`,
  });
}

/** what the system does when a routine returned at the wrong IRQL */
export type BadIrql = (irql: number) => never;

/**
 * Runs a DPC or work-item routine on system thread `t`: exceptions become 0x1E, then the IRQL and
 * the spin locks still held are checked (IRQL first: that is what the real machine checks).
 */
export function* runSystemRoutine(
  sys: NtSystem,
  t: KThread,
  what: string,
  body: Routine<unknown>,
  expectedIrql: number,
  badIrql: BadIrql,
): Routine<void> {
  try {
    yield* body;
  } catch (e) {
    throw sys.kernelException(e, what);
  }
  if (t.irql !== expectedIrql) badIrql(t.irql);
  if (t.heldLocks.length > 0) {
    const held = t.heldLocks.map((l) => l.lockName).join(', ');
    sys.engine.fail({
      kind: 'bugcheck',
      code: 0xc4,
      subcode: C4.SPINLOCK_RULE,
      name: 'DRIVER_VERIFIER_DETECTED_VIOLATION',
      message: `${what} returned still holding ${held}`,
    });
  }
}
