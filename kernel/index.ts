// kernel/: the NT model. Other folders import from here only; kernel never imports usermode.
export * from './bugcheck.ts';
export { type CancelRoutine, IoCancelIrp, IoSetCancelRoutine } from './cancel.ts';
export * from './constants.ts';
export { contextOf, KernelContext, type SharedCell } from './context.ts';
export {
  type CsqAcquireLock,
  type CsqCompleteCanceledIrp,
  type CsqInsertIrp,
  type CsqInsertIrpEx,
  type CsqPeekNextIrp,
  type CsqReleaseLock,
  type CsqRemoveIrp,
  IO_CSQ,
  IO_CSQ_IRP_CONTEXT,
  IopCsqCancelRoutine,
} from './csq.ts';
export { DispatcherObject, KEVENT, KMUTANT, KSEMAPHORE, WaitBlock } from './dispatcher.ts';
export { type DeferredRoutine, KDPC } from './dpc.ts';
export {
  DEVICE_OBJECT,
  type DispatchRoutine,
  DRIVER_OBJECT,
  type DriverUnload,
  FILE_OBJECT,
  IopInvalidDeviceRequest,
  loadDriverObject,
  resolveDevice,
} from './iomgr.ts';
export { type IO_STATUS_BLOCK, IO_STACK_LOCATION, IRP, type IrpState } from './irp.ts';
export { cString, formatPrintf, timeoutToMs } from './ke.ts';
export { NtCancelIoFile, NtCancelIoFileEx, NtCancelSynchronousIoFile } from './ntcancel.ts';
export {
  type CreateResult,
  NtClose,
  NtCreateFile,
  NtDeviceIoControlFile,
  NtReadWriteFile,
  syscall,
} from './ntio.ts';
export { NtCurrentProcess, NtCurrentThread, referenceByHandle } from './ob.ts';
export { HandleTable, KObject, type ObjectType } from './objects.ts';
export { IoCompletionPort, type Packet, queuePacket } from './port.ts';
export { installRundown } from './rundown.ts';
export { KSPIN_LOCK } from './spinlock.ts';
export * from './status.ts';
export { KTIMER } from './timer.ts';
export { IO_WORKITEM, type WorkerRoutine } from './workitem.ts';
export { type Faults, NO_FAULTS, NtSystem, type ThreadStart } from './system.ts';
export { EPROCESS, KThread, STILL_ACTIVE, type UserApc } from './thread.ts';
export { deliverKernelApcs, sp, waitForObjects, type WaitOptions } from './wait.ts';
export { queueDpc, queueWork, type WorkItem } from './workers.ts';
export { RACE_WINDOWS, type RaceWindow } from './coverage.ts';
