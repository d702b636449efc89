// Race-window coverage (issue 7 item 3): which (IRP state × event) pairs a run reached, so that
// "no bug found" comes with "and these windows were exercised". The kernel calls cover() where a
// cancel, a completion, a cleanup or a stage B meets an IRP in a given state.
import type { IrpState } from './irp.ts';

/** every window the kernel can report, in the order reports list them */
export const RACE_WINDOWS = [
  'cancel during dispatch (before the IRP is pending)',
  'cancel while pending with a cancel routine set',
  'cancel while pending without a cancel routine',
  'cancel between completion stage A and stage B',
  'cancel routine set after Irp->Cancel',
  'completion of a cancelled IRP',
  'completion while its cancel routine runs',
  'cleanup while a cancel is in flight',
  'stage B delivered into a wait',
  'stage B delivered at a scheduling point',
] as const;

export type RaceWindow = (typeof RACE_WINDOWS)[number];

/** what IoCancelIrp found when it set Cancel */
export function cancelWindow(s: IrpState): RaceWindow | null {
  if (s.phase === 'dispatch') return 'cancel during dispatch (before the IRP is pending)';
  if (s.phase === 'pending') return s.cancelRoutine === null ? 'cancel while pending without a cancel routine' : 'cancel while pending with a cancel routine set';
  if (s.phase === 'completing') return 'cancel between completion stage A and stage B';
  return null;
}
