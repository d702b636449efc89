// The object manager's part of the model: object headers with reference and handle counts, and
// per-process handle tables whose values are multiples of 4 and are reused lowest-first, so a stale
// handle can name a new object (spec/usermode.md §5.1; Wine's server does the same; Windows'
// exact order is UNCONFIRMED). The low two bits of a handle value are ignored (§2.2).
import { touchObject, tracked } from '../core/index.ts';

/** fields of kernel objects that never change once set: reading them touches nothing (DPOR) */
export const IDENTITY: ReadonlySet<PropertyKey> = new Set([
  'oid',
  'label',
  'type',
  'id',
  'lockName',
  'pid',
  'imageName',
  'DriverName',
  'task',
  'DriverObject',
  'DeviceExtension',
  'DriverExtension',
  'MajorFunction',
  // references set when the object is made, to objects that track themselves
  'handles',
  'process',
  // set once, by and for the thread itself
  'kernelContext',
  'win32',
]);

export type ObjectType =
  | 'Event'
  | 'Mutant'
  | 'Semaphore'
  | 'Thread'
  | 'Process'
  | 'File'
  | 'IoCompletion'
  | 'Timer'
  | 'Device'
  | 'Driver'
  | 'SymbolicLink';

export abstract class KObject {
  abstract readonly type: ObjectType;
  /** references held by handles and by the kernel; the object is deleted when it drops to 0 */
  pointerCount = 1;
  handleCount = 0;
  deleted = false;
  /** name in the object namespace, if any */
  objectName: string | null = null;

  constructor(
    /** the engine object id footprints use */
    readonly oid: number,
    /** short label for traces, e.g. 'ev#3' */
    readonly label: string,
  ) {
    // under DPOR every read and write of the object is in the footprint of the step that does it
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object
    return tracked(this, IDENTITY);
  }
}

export interface HandleEntry {
  readonly object: KObject;
  readonly access: number;
}

export const handleIndex = (h: number): number => (h >>> 2) - 1;

/**
 * Under DPOR each slot is an object of its own (touchObject), and so is the end of the table: a
 * lookup reads its slot, so two threads using different handles stay independent, while an insert
 * reads every slot up to the free one it takes (handle values depend on what is open).
 */
export class HandleTable {
  private readonly entries: (HandleEntry | undefined)[] = [];
  private readonly slots: object[] = [];
  private readonly end = {};

  private slot(i: number): object {
    while (this.slots.length <= i) this.slots.push({});
    return this.slots[i];
  }

  /** the lowest free value (4, 8, 12, …) */
  insert(object: KObject, access: number): number {
    let i = this.entries.indexOf(undefined);
    for (let j = 0; j < (i < 0 ? this.entries.length : i); j++) touchObject(this.slot(j), false);
    if (i < 0) {
      i = this.entries.length;
      touchObject(this.end, true);
    }
    touchObject(this.slot(i), true);
    this.entries[i] = { object, access };
    return (i + 1) * 4;
  }

  lookup(h: number): HandleEntry | undefined {
    if (!Number.isInteger(h) || h <= 0) return undefined;
    const i = handleIndex(h & ~3);
    touchObject(i < this.entries.length ? this.slot(i) : this.end, false);
    return this.entries[i];
  }

  remove(h: number): HandleEntry | undefined {
    const i = handleIndex(h & ~3);
    touchObject(i < this.entries.length ? this.slot(i) : this.end, true);
    const e = this.entries[i];
    if (e === undefined || h <= 0) return undefined;
    this.entries[i] = undefined;
    return e;
  }

  /** every open handle, lowest value first */
  handles(): number[] {
    touchObject(this.end, false);
    for (let j = 0; j < this.entries.length; j++) touchObject(this.slot(j), false);
    const out: number[] = [];
    this.entries.forEach((e, i) => {
      if (e !== undefined) out.push((i + 1) * 4);
    });
    return out;
  }
}
