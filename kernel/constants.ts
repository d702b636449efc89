// DDK constants with their Windows names and values (spec/kernel.md §0.2 and §7.1; mingw-w64
// wdm.h, devioctl.h, winnt.h).

export const IRP_MJ_CREATE = 0x00;
export const IRP_MJ_CLOSE = 0x02;
export const IRP_MJ_READ = 0x03;
export const IRP_MJ_WRITE = 0x04;
export const IRP_MJ_DEVICE_CONTROL = 0x0e;
export const IRP_MJ_INTERNAL_DEVICE_CONTROL = 0x0f;
export const IRP_MJ_CLEANUP = 0x12;
export const IRP_MJ_MAXIMUM_FUNCTION = 0x1b;

export const IRP_MJ_NAMES: Readonly<Record<number, string>> = {
  [IRP_MJ_CREATE]: 'IRP_MJ_CREATE',
  [IRP_MJ_CLOSE]: 'IRP_MJ_CLOSE',
  [IRP_MJ_READ]: 'IRP_MJ_READ',
  [IRP_MJ_WRITE]: 'IRP_MJ_WRITE',
  [IRP_MJ_DEVICE_CONTROL]: 'IRP_MJ_DEVICE_CONTROL',
  [IRP_MJ_INTERNAL_DEVICE_CONTROL]: 'IRP_MJ_INTERNAL_DEVICE_CONTROL',
  [IRP_MJ_CLEANUP]: 'IRP_MJ_CLEANUP',
};

export const METHOD_BUFFERED = 0;
export const METHOD_IN_DIRECT = 1;
export const METHOD_OUT_DIRECT = 2;
export const METHOD_NEITHER = 3;

export const FILE_ANY_ACCESS = 0;
export const FILE_SPECIAL_ACCESS = 0;
export const FILE_READ_ACCESS = 1;
export const FILE_WRITE_ACCESS = 2;

export const FILE_DEVICE_UNKNOWN = 0x22;
export const FILE_DEVICE_FILE_SYSTEM = 0x09;

export const CTL_CODE = (DeviceType: number, Function: number, Method: number, Access: number): number =>
  ((DeviceType << 16) | (Access << 14) | (Function << 2) | Method) >>> 0;
export const METHOD_FROM_CTL_CODE = (code: number): number => code & 3;
export const DEVICE_TYPE_FROM_CTL_CODE = (code: number): number => (code >>> 16) & 0xffff;

export const IO_NO_INCREMENT = 0;

export const PASSIVE_LEVEL = 0;
export const APC_LEVEL = 1;
export const DISPATCH_LEVEL = 2;
export const HIGH_LEVEL = 15;
export type KIRQL = number;

// stack location Control bits
export const SL_PENDING_RETURNED = 0x01;
export const SL_ERROR_RETURNED = 0x02;
export const SL_INVOKE_ON_CANCEL = 0x20;
export const SL_INVOKE_ON_SUCCESS = 0x40;
export const SL_INVOKE_ON_ERROR = 0x80;

// Irp->Flags
export const IRP_SYNCHRONOUS_API = 0x4;
export const IRP_BUFFERED_IO = 0x10;
export const IRP_DEALLOCATE_BUFFER = 0x20;
export const IRP_INPUT_OPERATION = 0x40;
export const IRP_CREATE_OPERATION = 0x80;
export const IRP_READ_OPERATION = 0x100;
export const IRP_WRITE_OPERATION = 0x200;
export const IRP_CLOSE_OPERATION = 0x400;

// FILE_OBJECT->Flags
export const FO_SYNCHRONOUS_IO = 0x2;
export const FO_ALERTABLE_IO = 0x4;
export const FO_CLEANUP_COMPLETE = 0x4000;
export const FO_HANDLE_CREATED = 0x40000;

// DEVICE_OBJECT->Flags
export const DO_BUFFERED_IO = 0x4;
export const DO_DIRECT_IO = 0x10;
export const DO_DEVICE_INITIALIZING = 0x80;

// access masks
export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const GENERIC_EXECUTE = 0x20000000;
export const GENERIC_ALL = 0x10000000;
export const FILE_READ_DATA = 0x0001;
export const FILE_WRITE_DATA = 0x0002;
export const SYNCHRONIZE = 0x00100000;
export const EVENT_MODIFY_STATE = 0x0002;
export const EVENT_ALL_ACCESS = 0x001f0003;

export const FILE_SHARE_READ = 0x1;
export const FILE_SHARE_WRITE = 0x2;
export const FILE_SHARE_DELETE = 0x4;

// KEVENT types
export const NotificationEvent = 0;
export const SynchronizationEvent = 1;
export type EVENT_TYPE = typeof NotificationEvent | typeof SynchronizationEvent;

// KWAIT_REASON / KPROCESSOR_MODE used by KeWaitForSingleObject
export const Executive = 0;
export const UserRequest = 6;
export const KernelMode = 0;
export const UserMode = 1;

export const MAXIMUM_WAIT_OBJECTS = 64;

// WORK_QUEUE_TYPE (IoQueueWorkItem's QueueType)
export const CriticalWorkQueue = 0;
export const DelayedWorkQueue = 1;
export const HyperCriticalWorkQueue = 2;

// IO_CSQ / IO_CSQ_IRP_CONTEXT Type values (wdm.h)
export const IO_TYPE_CSQ_IRP_CONTEXT = 1;
export const IO_TYPE_CSQ = 2;
export const IO_TYPE_CSQ_EX = 3;
