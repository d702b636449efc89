// The Overlapp driver of the seed document (../shared/seed/000_0ec115d2f5f32db8.txt, "驱动层代码"),
// ported line by line: same routines, same names, same bugs. Each seed bug has a switch that
// applies the smallest fix for that bug alone, so a scenario can expose one bug at a time (with the
// verifier always on, an earlier bug would otherwise stop the machine first): with no switch set
// this is the document's driver exactly. C globals live in DriverObject.DriverExtension so that
// every run starts from a freshly loaded driver.
import {
  CTL_CODE,
  type DEVICE_OBJECT,
  DO_BUFFERED_IO,
  type DRIVER_OBJECT,
  FILE_ANY_ACCESS,
  FILE_DEVICE_UNKNOWN,
  type IO_STACK_LOCATION,
  IO_NO_INCREMENT,
  IRP_MJ_CLOSE,
  IRP_MJ_CREATE,
  IRP_MJ_DEVICE_CONTROL,
  type IRP,
  type KernelContext,
  METHOD_BUFFERED,
  NT_SUCCESS,
  type Ref,
  type Routine,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
} from '../../index.ts';

// The document does not show its #defines; these are the usual values for a vendor IOCTL
// (FILE_DEVICE_UNKNOWN, function 0x800/0x801, METHOD_BUFFERED, FILE_ANY_ACCESS). The notify
// code keeps the document's spelling, IOCL_.
export const IOCTL_OVERLAP_BUFFERED_IO = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS);
export const IOCL_OVERLAP_NOTIFY = CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS);

/** size of a pointer on the target (x64) — what `sizeof(pOutputBuffer)` evaluates to */
export const SIZEOF_POINTER = 8;

export type SeedBug = 'S1' | 'S2' | 'S3' | 'S4' | 'S5' | 'S6' | 'S7' | 'S8' | 'S9' | 'S10' | 'S11' | 'S12';

interface Globals {
  gUserMessageIrp: IRP | null;
  fixes: ReadonlySet<SeedBug>;
}

const G = (DeviceObject: DEVICE_OBJECT): Globals => DeviceObject.DriverObject.DriverExtension as unknown as Globals;

/** DriverEntry is not in the document: the standard skeleton of the author's earlier article. */
export function OverlappDriver(fixes: readonly SeedBug[] = []) {
  return function* DriverEntry(k: KernelContext, DriverObject: DRIVER_OBJECT, _RegistryPath: string): Routine<number> {
    Object.assign(DriverObject.DriverExtension, { gUserMessageIrp: null, fixes: new Set(fixes) } satisfies Globals);
    const DeviceObject: Ref<DEVICE_OBJECT | null> = { value: null };
    const status = yield* k.IoCreateDevice(DriverObject, 0, '\\Device\\Overlapp', FILE_DEVICE_UNKNOWN, 0, false, DeviceObject);
    if (!NT_SUCCESS(status)) return status;
    DeviceObject.value!.Flags |= DO_BUFFERED_IO;
    yield* k.IoCreateSymbolicLink('\\DosDevices\\Overlapp', '\\Device\\Overlapp');
    DriverObject.MajorFunction[IRP_MJ_CREATE] = Overlap_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_CLOSE] = Overlap_CreateClose;
    DriverObject.MajorFunction[IRP_MJ_DEVICE_CONTROL] = Overlap_IoControl;
    return STATUS_SUCCESS;
  };
}

function* Overlap_CreateClose(k: KernelContext, _DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  Irp.IoStatus.Status = STATUS_SUCCESS;
  Irp.IoStatus.Information = 0;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

// NTSTATUS Overlap_IoControl(IN PDEVICE_OBJECT DeviceObject, IN PIRP Irp)
export function* Overlap_IoControl(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<number> {
  const g = G(DeviceObject);
  let status = STATUS_NOT_SUPPORTED;
  let irpStack: IO_STACK_LOCATION | null = null;

  k.DbgPrint('Overlap_IoControl\r\n');

  irpStack = k.IoGetCurrentIrpStackLocation(Irp);

  if (irpStack) {
    switch (irpStack.Parameters.DeviceIoControl.IoControlCode) {
      case IOCTL_OVERLAP_BUFFERED_IO: // 异步通信消息 (the asynchronous request)
        if (g.fixes.has('S8') && g.gUserMessageIrp !== null) {
          // fix S8: one request at a time instead of orphaning the saved one
          return yield* completeWith(k, Irp, STATUS_INVALID_DEVICE_STATE, 0);
        }
        status = Irp.IoStatus.Status = STATUS_PENDING;
        Irp.IoStatus.Information = 0;
        yield* k.IoMarkIrpPending(Irp);
        g.gUserMessageIrp = Irp; // 保存请求的irp (save the IRP)
        yield* k.IoSetCancelRoutine(Irp, DriverCancelIrp); // 设置irp取消例程 (set the cancel routine)
        if (g.fixes.has('S10') && Irp.Cancel && (yield* k.IoSetCancelRoutine(Irp, null)) !== null) {
          // fix S10: a cancel that came before the routine was set
          if (g.gUserMessageIrp === Irp) g.gUserMessageIrp = null;
          Irp.IoStatus.Status = STATUS_CANCELLED;
          yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
        }
        return status;
      case IOCL_OVERLAP_NOTIFY: // 获取数据事件 (the notify)
        if (g.fixes.has('S5') && g.gUserMessageIrp === null) {
          if (g.fixes.has('S6')) return yield* completeWith(k, Irp, STATUS_UNSUCCESSFUL, 0);
          return STATUS_UNSUCCESSFUL;
        }
        yield* COMM_BufferedIo(k, g, g.gUserMessageIrp!, irpStack); // 处理原来的irp (complete the saved IRP)
        if (g.fixes.has('S4')) g.gUserMessageIrp = null;
        if (g.fixes.has('S6')) return yield* completeWith(k, Irp, STATUS_SUCCESS, 0);
        return status;
      default:
        if (g.fixes.has('S6')) return yield* completeWith(k, Irp, status, 0);
        return status;
    }
  }

  return status;
}

/** the fix for S6: complete the request with the status returned */
function* completeWith(k: KernelContext, Irp: IRP, status: number, information: number): Routine<number> {
  Irp.IoStatus.Status = status;
  Irp.IoStatus.Information = information;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

// NTSTATUS COMM_BufferedIo(PIRP Irp, PIO_STACK_LOCATION pIoStackIrp)
export function* COMM_BufferedIo(k: KernelContext, g: Globals, Irp: IRP, pIoStackIrp: IO_STACK_LOCATION): Routine<number> {
  let status = STATUS_UNSUCCESSFUL;

  k.DbgPrint('COMM_BufferedIo\r\n');

  const outputLength = pIoStackIrp.Parameters.DeviceIoControl.OutputBufferLength;
  const inputLength = pIoStackIrp.Parameters.DeviceIoControl.InputBufferLength;
  const pOutputBuffer = Irp.AssociatedIrp.SystemBuffer; // 输出缓冲区 (output buffer)
  const pInputBuffer = Irp.AssociatedIrp.SystemBuffer; // 输入缓冲区 (input buffer)
  void inputLength;

  if (pInputBuffer && pOutputBuffer) {
    k.DbgPrint("COMM_BufferedIo UserModeMessage = '%s'", pInputBuffer);
    k.RtlCopyMemory(pOutputBuffer, pInputBuffer, outputLength);
    Irp.IoStatus.Status = STATUS_SUCCESS;
    Irp.IoStatus.Information = g.fixes.has('S7') ? cStringLength(pOutputBuffer) : SIZEOF_POINTER;
    if (g.fixes.has('S3')) {
      // fix S3: whoever clears the cancel routine owns the IRP
      if ((yield* k.IoSetCancelRoutine(Irp, null)) === null) return STATUS_SUCCESS;
    } else if (g.fixes.has('S2')) {
      yield* k.IoSetCancelRoutine(Irp, null); // fix S2 alone: cleared, but its result ignored
    }
    yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT); // 设置该irp已经完成 (complete it)
    status = STATUS_SUCCESS;
  }
  return status;
}

/** the text's length with its terminating NUL */
function cStringLength(b: Uint8Array): number {
  const end = b.indexOf(0);
  return end < 0 ? b.length : end + 1;
}

// VOID DriverCancelIrp(IN PDEVICE_OBJECT DeviceObject, IN PIRP Irp)
export function* DriverCancelIrp(k: KernelContext, DeviceObject: DEVICE_OBJECT, Irp: IRP): Routine<void> {
  const g = G(DeviceObject);
  if (g.fixes.has('S1')) yield* k.IoReleaseCancelSpinLock(Irp.CancelIrql); // fix S1

  k.KdPrint('UserMessageCancelIrp....\n');

  if (Irp === g.gUserMessageIrp) g.gUserMessageIrp = null;

  Irp.IoStatus.Status = STATUS_CANCELLED;
  Irp.IoStatus.Information = 0;
  yield* k.IoCompleteRequest(Irp, IO_NO_INCREMENT);
}
