// The IRP as a driver sees it (API.md "IRP fields"), over the I/O manager's own record of it.
// Every field a driver can reach goes through an accessor that checks the IRP is still allocated:
// after stage B frees it, any touch is a use-after-free finding (Driver Verifier allocates IRPs
// from special pool, so the real machine faults: spec/kernel.md §6.1, 0xD5 [DERIVED]).
// The kernel itself reads and writes `irp.s` (IrpState), which is never poisoned.
import { IDENTITY } from './objects.ts';
import { tracked } from '../core/index.ts';
import type { KEVENT } from './dispatcher.ts';
import type { DEVICE_OBJECT, FILE_OBJECT } from './iomgr.ts';
import type { KThread } from './thread.ts';

export interface IO_STATUS_BLOCK {
  Status: number;
  Information: number;
}

export type IrpPhase = 'created' | 'dispatch' | 'pending' | 'completing' | 'stage-b' | 'freed';

export interface DeviceIoControlParameters {
  IoControlCode: number;
  InputBufferLength: number;
  OutputBufferLength: number;
  /** METHOD_NEITHER: the caller's input buffer */
  Type3InputBuffer: Uint8Array | null;
}

export class IO_STACK_LOCATION {
  Control = 0;
  MinorFunction = 0;
  DeviceObject: DEVICE_OBJECT | null = null;
  readonly Parameters: {
    DeviceIoControl: DeviceIoControlParameters;
    Read: { Length: number };
    Write: { Length: number };
  } = {
    DeviceIoControl: { IoControlCode: 0, InputBufferLength: 0, OutputBufferLength: 0, Type3InputBuffer: null },
    Read: { Length: 0 },
    Write: { Length: 0 },
  };
  constructor(
    readonly MajorFunction: number,
    readonly FileObject: FILE_OBJECT | null,
  ) {}
}

/** the I/O manager's record of an IRP: never poisoned */
export class IrpState {
  phase: IrpPhase = 'created';
  status = 0;
  information = 0;
  systemBuffer: Uint8Array | null = null;
  userBuffer: Uint8Array | null = null;
  mdl: Uint8Array | null = null;
  cancel = false;
  cancelRoutine: Function | null = null;
  cancelIrql = 0;
  pendingReturned = false;
  flags = 0;
  stackCount = 1;
  currentLocation = 2;
  readonly stack: IO_STACK_LOCATION[];
  /** requesting thread; null once disassociated (§3.4) or for I/O-manager internal IRPs */
  thread: KThread | null = null;
  /** requesting process (CancelIoEx cancels only the caller's process's requests) */
  process: unknown = null;
  /** the thread that issued the request, even when it is not linked to it (thread-agnostic I/O) */
  issuer: KThread | null = null;
  /** taken off its thread's list by the rundown after the 5-minute limit (§3.4) */
  disassociated = false;
  fileObject: FILE_OBJECT | null = null;
  userIosb: IO_STATUS_BLOCK | null = null;
  userEvent: KEVENT | null = null;
  apcRoutine: Function | null = null;
  apcContext: unknown = null;
  readonly driverContext: unknown[] = [null, null, null, null];
  /** status the IRP was completed with (kept for verifier checks after it is freed) */
  completedStatus: number | null = null;
  /** the device whose dispatch routine currently owns it */
  device: DEVICE_OBJECT | null = null;
  /** set when IoCancelIrp has run on it, for the rundown and 0xC4/0x135 checks */
  cancelRequestedAtMs: number | null = null;
  stuckCancelReported = false;
  /** IoCancelIrp is running the driver's cancel routine for it, on this thread */
  cancelRoutineRunning = false;
  cancellingThread: KThread | null = null;
  /** the driver-facing object */
  irp!: IRP;
  /** I/O-manager internal IRPs (create, cleanup, close): completion signals this instead of stage B */
  internalDone: ((status: number, information: number) => void) | null = null;

  constructor(
    readonly id: number,
    readonly oid: number,
    major: number,
    fileObject: FILE_OBJECT | null,
  ) {
    this.stack = [new IO_STACK_LOCATION(major, fileObject)];
    this.fileObject = fileObject;
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this, IDENTITY);
  }

  get label(): string {
    return `irp#${this.id}`;
  }
}

/** what a touch of a freed IRP reports; set by the system that owns the IRP */
export type PoisonReport = (irp: IrpState, what: string) => never;

/** Irp->IoStatus: every access checks the IRP is still allocated */
class IoStatusView implements IO_STATUS_BLOCK {
  constructor(private readonly irp: IRP) {}
  get Status(): number {
    return this.irp.touch('IoStatus.Status').status;
  }
  set Status(v: number) {
    this.irp.touch('IoStatus.Status').status = v >>> 0;
  }
  get Information(): number {
    return this.irp.touch('IoStatus.Information').information;
  }
  set Information(v: number) {
    this.irp.touch('IoStatus.Information').information = v;
  }
}

class AssociatedIrpView {
  constructor(private readonly irp: IRP) {}
  get SystemBuffer(): Uint8Array | null {
    return this.irp.touch('AssociatedIrp.SystemBuffer').systemBuffer;
  }
  set SystemBuffer(v: Uint8Array | null) {
    this.irp.touch('AssociatedIrp.SystemBuffer').systemBuffer = v;
  }
}

class OverlayView {
  /** an object of its own to DPOR: drivers link it into their lists */
  readonly listEntry = tracked({ Flink: null as unknown, Blink: null as unknown });
  constructor(private readonly irp: IRP) {}
  get DriverContext(): unknown[] {
    return this.irp.touch('Tail.Overlay.DriverContext').driverContext;
  }
  get ListEntry(): { Flink: unknown; Blink: unknown } {
    this.irp.touch('Tail.Overlay.ListEntry');
    return this.listEntry;
  }
}

export class IRP {
  readonly IoStatus: IO_STATUS_BLOCK;
  readonly AssociatedIrp: { SystemBuffer: Uint8Array | null };
  readonly Tail: { Overlay: { DriverContext: unknown[]; ListEntry: { Flink: unknown; Blink: unknown } } };

  constructor(
    /** the I/O manager's record (kernel use only) */
    readonly s: IrpState,
    private readonly poison: PoisonReport,
  ) {
    s.irp = this;
    this.IoStatus = new IoStatusView(this);
    this.AssociatedIrp = new AssociatedIrpView(this);
    this.Tail = { Overlay: new OverlayView(this) };
  }

  /** the record, or a use-after-free finding */
  touch(what: string): IrpState {
    if (this.s.phase === 'freed') this.poison(this.s, what);
    return this.s;
  }

  get id(): number {
    return this.s.id;
  }
  get UserBuffer(): Uint8Array | null {
    return this.touch('UserBuffer').userBuffer;
  }
  get MdlAddress(): Uint8Array | null {
    return this.touch('MdlAddress').mdl;
  }
  /** read-only to drivers: only IoCancelIrp sets it */
  get Cancel(): boolean {
    return this.touch('Cancel').cancel;
  }
  get CancelIrql(): number {
    return this.touch('CancelIrql').cancelIrql;
  }
  get PendingReturned(): boolean {
    return this.touch('PendingReturned').pendingReturned;
  }
  get Flags(): number {
    return this.touch('Flags').flags;
  }
  get StackCount(): number {
    return this.touch('StackCount').stackCount;
  }
  get CurrentLocation(): number {
    return this.touch('CurrentLocation').currentLocation;
  }
  toString(): string {
    return this.s.label;
  }
}

/** IoGetCurrentIrpStackLocation: the stack location of the driver that owns the IRP now */
export function currentStack(irp: IRP): IO_STACK_LOCATION {
  const s = irp.touch('IoGetCurrentIrpStackLocation');
  return s.stack[Math.min(s.stack.length - 1, Math.max(0, s.currentLocation - 1))];
}
