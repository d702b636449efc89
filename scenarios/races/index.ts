// The classic cancel/completion races of spec/kernel.md §8, one scenario each (issue 5 item 3),
// in §8 order. Each carries `race` (the §8 item) and `expected` (the finding exploration must reach).
import r01 from './r01-test-then-set.ts';
import r02 from './r02-set-then-test.ts';
import r03 from './r03-dequeue-vs-cancel.ts';
import r04 from './r04-stale-list-links.ts';
import r05 from './r05-completion-vs-cancel.ts';
import r06 from './r06-complete-with-cancel-routine.ts';
import r07 from './r07-mark-pending-too-late.ts';
import r08a from './r08a-pending-not-marked.ts';
import r08b from './r08b-marked-but-failed.ts';
import r09 from './r09-lock-order-inversion.ts';
import r10 from './r10-cancel-routine-holds-lock.ts';
import r12 from './r12-cleanup-vs-cancel.ts';
import r13 from './r13-requeue-without-cancel-check.ts';
import r15 from './r15-stuck-irp-at-thread-exit.ts';
import r16 from './r16-overlapped-reuse-after-cancel.ts';
import type { RaceScenario } from './scenario.ts';

export { isExpectedFinding, type RaceExpected, type RaceScenario } from './scenario.ts';

export const raceScenarios: readonly RaceScenario[] = [r01, r02, r03, r04, r05, r06, r07, r08a, r08b, r09, r10, r12, r13, r15, r16];
