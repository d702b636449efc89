// The I/O manager's objects: drivers, devices, symbolic links, file objects; IoCallDriver with the
// verifier's checks around a dispatch routine (spec/kernel.md §1.2–1.3, §6.2), and IRP allocation
// with the three buffering methods (§1.1 step 6). A device has one stack location: irpsim models a
// single (top-level, monolithic) driver per device, as the seed and the WDK samples are.
import { emulatorBug, type Ref, tracked } from '../core/index.ts';
import { C9 } from './bugcheck.ts';
import {
  IRP_BUFFERED_IO,
  IRP_MJ_CLEANUP,
  IRP_DEALLOCATE_BUFFER,
  IRP_INPUT_OPERATION,
  IRP_MJ_MAXIMUM_FUNCTION,
  IRP_MJ_NAMES,
  SL_PENDING_RETURNED,
} from './constants.ts';
import type { KernelContext } from './context.ts';
import { contextOf } from './context.ts';
import type { KEVENT } from './dispatcher.ts';
import { IRP, IrpState } from './irp.ts';
import { KObject } from './objects.ts';
import type { IoCompletionPort } from './port.ts';
import {
  statusText,
  type NTSTATUS,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_OBJECT_NAME_COLLISION,
  STATUS_OBJECT_NAME_NOT_FOUND,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from './status.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';
import { type Routine, sp } from './wait.ts';

export type DispatchRoutine = (k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP) => Routine<NTSTATUS>;
export type DriverUnload = (k: KernelContext, DriverObject: DRIVER_OBJECT) => Routine<void>;

export class DRIVER_OBJECT extends KObject {
  readonly type = 'Driver';
  readonly MajorFunction: (DispatchRoutine | null)[] = new Array(IRP_MJ_MAXIMUM_FUNCTION + 1).fill(null);
  DriverUnload: DriverUnload | null = null;
  DeviceObject: DEVICE_OBJECT | null = null;
  /** whatever the driver keeps globally (a C driver's globals live in its module instead) */
  DriverExtension: Record<string, unknown> = tracked({});
  constructor(
    oid: number,
    readonly DriverName: string,
  ) {
    super(oid, DriverName);
  }
}

export class DEVICE_OBJECT extends KObject {
  readonly type = 'Device';
  Flags = 0;
  StackSize = 1;
  CurrentIrp: IRP | null = null;
  NextDevice: DEVICE_OBJECT | null = null;
  constructor(
    oid: number,
    readonly DriverObject: DRIVER_OBJECT,
    readonly DeviceType: number,
    /** DeviceExtensionSize bytes in C; here an object the driver fills */
    readonly DeviceExtension: Record<string, unknown>,
    readonly Exclusive: boolean,
  ) {
    super(oid, `dev#${oid}`);
  }
}

export class SYMBOLIC_LINK extends KObject {
  readonly type = 'SymbolicLink';
  constructor(
    oid: number,
    readonly target: string,
  ) {
    super(oid, `link#${oid}`);
  }
}

export class FILE_OBJECT extends KObject {
  readonly type = 'File';
  Flags = 0;
  FinalStatus = 0;
  FsContext: unknown = null;
  FsContext2: unknown = null;
  CompletionContext: { Port: IoCompletionPort; Key: number } | null = null;
  /** FILE_SKIP_COMPLETION_PORT_ON_SUCCESS / FILE_SKIP_SET_EVENT_ON_HANDLE */
  notificationModes = 0;
  /** outstanding IRPs on this file object (CancelIoEx's search list) */
  readonly irps: IrpState[] = tracked([]);
  constructor(
    oid: number,
    readonly DeviceObject: DEVICE_OBJECT,
    /** signaled at open; reset when a request starts; set at completion when it had no event (§3.1) */
    readonly Event: KEVENT,
    /** serializes synchronous I/O on an FO_SYNCHRONOUS_IO file object */
    readonly lock: KEVENT,
  ) {
    super(oid, `file#${oid}`);
  }
}

/** `\DosDevices\X`, `\??\X` and `\GLOBAL??\X` are one directory; `\\.\X` is the Win32 spelling */
export function canonicalName(name: string): string {
  const m = /^(?:\\DosDevices|\\\?\?|\\GLOBAL\?\?|\\\\\.)\\(.*)$/i.exec(name);
  return m === null ? name : `\\??\\${m[1]}`;
}

export function* IoCreateDevice(
  k: KernelContext,
  DriverObject: DRIVER_OBJECT,
  _DeviceExtensionSize: number,
  DeviceName: string | null,
  DeviceType: number,
  _DeviceCharacteristics: number,
  Exclusive: boolean,
  DeviceObject: Ref<DEVICE_OBJECT | null>,
): Routine<NTSTATUS> {
  const sys = k.sys;
  yield* sp(sys, k.thread, 'IoCreateDevice', DeviceName ?? '');
  if (DeviceName !== null && sys.namespace.has(canonicalName(DeviceName))) return STATUS_OBJECT_NAME_COLLISION;
  // the extension is an object of its own to DPOR: the driver's state, apart from the device's
  const dev = new DEVICE_OBJECT(sys.engine.newObjectId(), DriverObject, DeviceType, tracked({}), Exclusive);
  if (DeviceName !== null) {
    dev.objectName = DeviceName;
    sys.namespace.set(canonicalName(DeviceName), dev);
  }
  dev.NextDevice = DriverObject.DeviceObject;
  DriverObject.DeviceObject = dev;
  DeviceObject.value = dev;
  return STATUS_SUCCESS;
}

export function* IoDeleteDevice(k: KernelContext, DeviceObject: DEVICE_OBJECT): Routine<void> {
  yield* sp(k.sys, k.thread, 'IoDeleteDevice', DeviceObject.label);
  if (DeviceObject.objectName !== null) k.sys.namespace.delete(canonicalName(DeviceObject.objectName));
  DeviceObject.deleted = true;
  const drv = DeviceObject.DriverObject;
  if (drv.DeviceObject === DeviceObject) drv.DeviceObject = DeviceObject.NextDevice;
}

export function* IoCreateSymbolicLink(k: KernelContext, SymbolicLinkName: string, DeviceName: string): Routine<NTSTATUS> {
  const sys = k.sys;
  yield* sp(sys, k.thread, 'IoCreateSymbolicLink', SymbolicLinkName);
  const key = canonicalName(SymbolicLinkName);
  if (sys.namespace.has(key)) return STATUS_OBJECT_NAME_COLLISION;
  sys.namespace.set(key, new SYMBOLIC_LINK(sys.engine.newObjectId(), DeviceName));
  return STATUS_SUCCESS;
}

export function* IoDeleteSymbolicLink(k: KernelContext, SymbolicLinkName: string): Routine<NTSTATUS> {
  yield* sp(k.sys, k.thread, 'IoDeleteSymbolicLink', SymbolicLinkName);
  return k.sys.namespace.delete(canonicalName(SymbolicLinkName)) ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
}

/** follows symbolic links to a device (at most 8 hops) */
export function resolveDevice(sys: NtSystem, name: string): DEVICE_OBJECT | null {
  let key = canonicalName(name);
  for (let hops = 0; hops < 8; hops++) {
    const o = sys.namespace.get(key);
    if (o instanceof DEVICE_OBJECT) return o.deleted ? null : o;
    if (!(o instanceof SYMBOLIC_LINK)) return null;
    key = canonicalName(o.target);
  }
  return null;
}

/** IoAllocateIrp + the I/O manager's setup; linked to the thread unless `thread` is null */
export function allocateIrp(
  sys: NtSystem,
  major: number,
  fileObject: FILE_OBJECT | null,
  thread: KThread | null,
  detail = '',
  internal = false,
): IRP {
  const s = new IrpState(sys.newIrpId(), sys.engine.newObjectId(), major, fileObject);
  s.thread = thread;
  const irp = new IRP(s, (st, what) => useAfterFree(sys, st, what));
  sys.irps.push(s);
  if (!internal && fileObject !== null) {
    fileObject.irps.push(s);
    fileObject.pointerCount++;
  }
  thread?.irpList.unshift(irp);
  const what = IRP_MJ_NAMES[major] ?? `IRP_MJ_${major}`;
  sys.engine.note('irp:create', detail === '' ? what : `${what} ${detail}`, s.id);
  return irp;
}

export function setBuffered(s: IrpState, input: Uint8Array | null, inLen: number, output: Uint8Array | null, outLen: number): void {
  const len = Math.max(inLen, outLen);
  if (len === 0) return;
  s.systemBuffer = new Uint8Array(len);
  if (input !== null && inLen > 0) s.systemBuffer.set(input.subarray(0, inLen));
  s.flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
  if (output !== null && outLen > 0) {
    s.flags |= IRP_INPUT_OPERATION;
    s.userBuffer = output;
  }
}

function useAfterFree(sys: NtSystem, s: IrpState, what: string): never {
  return sys.bugcheck(
    'DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL',
    `${s.label} was used after it was freed (${what}); completing it twice would be MULTIPLE_IRP_COMPLETE_REQUESTS if its memory were still intact`,
    { irp: s.id },
  );
}

export function irpState(sys: NtSystem, s: IrpState, phase: IrpState['phase']): void {
  s.phase = phase;
  sys.engine.note('irp:state', phase, s.id);
}

/** IoCallDriver (spec §1.2) with the verifier's dispatch checks (§1.3, §6.2) */
export function* IoCallDriver(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<NTSTATUS> {
  const { sys, thread: t } = k;
  yield* sp(sys, t, 'IoCallDriver', Irp.s.label);
  const s = Irp.touch('IoCallDriver');
  s.currentLocation--;
  if (s.currentLocation <= 0) sys.bugcheck('NO_MORE_IRP_STACK_LOCATIONS', `${s.label} has no stack location left`, { irp: s.id });
  const stack = s.stack[s.currentLocation - 1];
  stack.DeviceObject = DeviceObject;
  s.device = DeviceObject;
  irpState(sys, s, 'dispatch');
  const major = stack.MajorFunction;
  if (major === IRP_MJ_CLEANUP && s.fileObject?.irps.some((o) => o.cancel && o.completedStatus === null)) sys.cover('cleanup while a cancel is in flight');
  const routine = DeviceObject.DriverObject.MajorFunction[major] ?? IopInvalidDeviceRequest;
  const irqlBefore = t.irql;
  let status: number;
  t.kernelDepth++;
  try {
    status = (yield* routine(contextOf(sys, t), DeviceObject, Irp)) >>> 0;
  } catch (e) {
    throw sys.kernelException(e, `${routine.name || 'dispatch routine'} (${IRP_MJ_NAMES[major] ?? major})`, s.id);
  } finally {
    t.kernelDepth--;
  }
  checkDispatchReturn(sys, t, s, status, irqlBefore, routine.name);
  return status;
}

function checkDispatchReturn(sys: NtSystem, t: KThread, s: IrpState, status: number, irqlBefore: number, name: string): void {
  const who = name || 'the dispatch routine';
  if (t.irql !== irqlBefore) {
    const held = t.heldLocks.map((l) => l.lockName).join(', ');
    sys.verifierC9(
      C9.IRQL_CHANGED_ACROSS_DISPATCH,
      true,
      `${who} returned at IRQL ${t.irql}, called at ${irqlBefore}${held ? ` (still holding ${held})` : ''}`,
      s.id,
    );
  }
  const marked = (s.stack[0].Control & SL_PENDING_RETURNED) !== 0;
  if (status === STATUS_PENDING) {
    if (!marked) {
      sys.verifierC9(C9.PENDING_WITHOUT_MARK, false, `${who} returned STATUS_PENDING for ${s.label} without calling IoMarkIrpPending`, s.id);
    }
    return;
  }
  if (marked) {
    sys.verifierC9(
      C9.MARKED_PENDING_WITHOUT_PENDING_RETURN,
      false,
      `${who} marked ${s.label} pending but returned ${statusText(status)} instead of STATUS_PENDING`,
      s.id,
    );
  }
  if (s.completedStatus === null) {
    sys.verifierC9(
      C9.DISPATCH_DID_NOT_COMPLETE_OR_PEND,
      true,
      `${who} returned ${statusText(status)} for ${s.label} without completing it, passing it down or returning STATUS_PENDING`,
      s.id,
    );
  } else if (s.completedStatus !== status) {
    sys.verifierC9(
      C9.DISPATCH_STATUS_MISMATCH,
      true,
      `${who} returned ${statusText(status)} but completed ${s.label} with ${statusText(s.completedStatus)}`,
      s.id,
    );
  }
}

/** what the I/O manager installs for a major function a driver does not handle */
export function* IopInvalidDeviceRequest(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<NTSTATUS> {
  Irp.IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
  Irp.IoStatus.Information = 0;
  yield* k.IoCompleteRequest(Irp, 0);
  return STATUS_INVALID_DEVICE_REQUEST;
}

export function loadDriverObject(sys: NtSystem, name: string): DRIVER_OBJECT {
  const d = new DRIVER_OBJECT(sys.engine.newObjectId(), `\\Driver\\${name}`);
  if (sys.namespace.has(d.DriverName)) throw emulatorBug(`driver ${name} loaded twice`);
  sys.namespace.set(d.DriverName, d);
  return d;
}
