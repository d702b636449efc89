// Runs for the view tests, made by the engine (not hand-typed traces): a driver-like exchange where
// main sends irp#3 and irp#4, a worker cancels and completes irp#3 (which is freed; irp#4 never is),
// DbgPrint lines, a timer, and a bug check at the end. Thread names and data can be chosen, e.g. to
// carry `<script>` text.
import { type Engine, makeStrategy, type RunResult, runTasks } from '../../core/index.ts';
import { model } from '../core/model.ts';

export interface DemoOptions {
  main?: string;
  worker?: string;
  dbg?: string;
  /** extra steps main takes, with long data, to make a long trace */
  busySteps?: number;
  /** end with a bug check (default true) */
  bugcheck?: boolean;
  choices?: number[];
}

function setup(e: Engine, o: DemoOptions): void {
  const m = model(e);
  e.spawn(o.main ?? 'main', function* () {
    yield* m.step('DeviceIoControl', 'h#1');
    e.note('irp:create', 'IRP_MJ_DEVICE_CONTROL 0x222000', 3);
    e.note('irp:state', 'dispatch', 3);
    yield* m.step('IoMarkIrpPending', 'irp#3');
    e.note('irp:state', 'pending', 3);
    yield* m.step('IoSetCancelRoutine', 'irp#3');
    yield* m.step('DeviceIoControl', 'h#1');
    e.note('irp:create', 'IRP_MJ_DEVICE_CONTROL 0x222004', 4);
    e.note('irp:state', 'pending', 4);
    for (let i = 0; i < (o.busySteps ?? 0); i++) yield* m.step('Poll', `iteration ${i} ${'x'.repeat(60)}`);
    yield* m.sleep(5);
    yield* m.step('GetOverlappedResult', 'h#1');
  }, []);
  e.spawn(o.worker ?? 'worker', function* () {
    yield* m.step('CancelIoEx', 'h#1');
    e.note('irp:state', 'cancel', 3);
    yield* m.step('IoCompleteRequest', 'irp#3');
    e.note('irp:state', 'completed', 3);
    e.note('dbg', o.dbg ?? 'completed irp#3\nwith a second line');
    e.note('irp:state', 'stage-b', 3);
    e.note('irp:state', 'freed', 3);
    yield* m.sleep(10);
    yield* m.step('IoCompleteRequest', 'irp#3');
    if (o.bugcheck !== false) {
      e.fail({ kind: 'bugcheck', code: 0x44, name: 'MULTIPLE_IRP_COMPLETE_REQUESTS', message: 'irp#3 completed twice', irp: 3 });
    }
  }, []);
}

export function demoRun(o: DemoOptions = {}): RunResult {
  return runTasks((e) => setup(e, o), { strategy: makeStrategy('replay', { choices: o.choices ?? [0, 0, 0, 1] }) });
}

export const demoMeta = { scenario: 'test/demo', seed: 7, strategy: 'random' };
