// The object manager's part of the model: object headers with reference and handle counts, and
// per-process handle tables whose values are multiples of 4 and are reused lowest-first, so a stale
// handle can name a new object (spec/usermode.md §5.1; Wine's server does the same; Windows'
// exact order is UNCONFIRMED). The low two bits of a handle value are ignored (§2.2).

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
  ) {}
}

export interface HandleEntry {
  readonly object: KObject;
  readonly access: number;
}

export const handleIndex = (h: number): number => (h >>> 2) - 1;

export class HandleTable {
  private readonly entries: (HandleEntry | undefined)[] = [];

  /** the lowest free value (4, 8, 12, …) */
  insert(object: KObject, access: number): number {
    let i = this.entries.indexOf(undefined);
    if (i < 0) i = this.entries.length;
    this.entries[i] = { object, access };
    return (i + 1) * 4;
  }

  lookup(h: number): HandleEntry | undefined {
    if (!Number.isInteger(h) || h <= 0) return undefined;
    return this.entries[handleIndex(h & ~3)];
  }

  remove(h: number): HandleEntry | undefined {
    const i = handleIndex(h & ~3);
    const e = this.entries[i];
    if (e === undefined || h <= 0) return undefined;
    this.entries[i] = undefined;
    return e;
  }

  /** every open handle, lowest value first */
  handles(): number[] {
    const out: number[] = [];
    this.entries.forEach((e, i) => {
      if (e !== undefined) out.push((i + 1) * 4);
    });
    return out;
  }
}
