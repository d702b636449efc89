// NTSTATUS values and the NT_* tests (spec/kernel.md §7.1, values from mingw-w64 ntstatus.h).

export type NTSTATUS = number;

export const STATUS_SUCCESS = 0x00000000;
export const STATUS_WAIT_0 = 0x00000000;
export const STATUS_ABANDONED_WAIT_0 = 0x00000080;
export const STATUS_USER_APC = 0x000000c0;
export const STATUS_KERNEL_APC = 0x00000100;
export const STATUS_ALERTED = 0x00000101;
export const STATUS_TIMEOUT = 0x00000102;
export const STATUS_PENDING = 0x00000103;
export const STATUS_BUFFER_OVERFLOW = 0x80000005;
export const STATUS_UNSUCCESSFUL = 0xc0000001;
export const STATUS_NOT_IMPLEMENTED = 0xc0000002;
export const STATUS_ACCESS_VIOLATION = 0xc0000005;
export const STATUS_INVALID_HANDLE = 0xc0000008;
export const STATUS_INVALID_PARAMETER = 0xc000000d;
export const STATUS_NO_SUCH_DEVICE = 0xc000000e;
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
export const STATUS_END_OF_FILE = 0xc0000011;
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
export const STATUS_ACCESS_DENIED = 0xc0000022;
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
export const STATUS_OBJECT_TYPE_MISMATCH = 0xc0000024;
export const STATUS_OBJECT_NAME_NOT_FOUND = 0xc0000034;
export const STATUS_OBJECT_NAME_COLLISION = 0xc0000035;
export const STATUS_MUTANT_NOT_OWNED = 0xc0000046;
export const STATUS_SEMAPHORE_LIMIT_EXCEEDED = 0xc0000047;
export const STATUS_DELETE_PENDING = 0xc0000056;
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a;
export const STATUS_DEVICE_NOT_READY = 0xc00000a3;
export const STATUS_IO_TIMEOUT = 0xc00000b5;
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
export const STATUS_CANCELLED = 0xc0000120;
export const STATUS_FILE_CLOSED = 0xc0000128;
export const STATUS_THREAD_IS_TERMINATING = 0xc000004b;
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;
export const STATUS_NOT_FOUND = 0xc0000225;

/** (LONG)s ≥ 0 */
export const NT_SUCCESS = (s: NTSTATUS): boolean => s >>> 0 < 0x80000000;
export const NT_INFORMATION = (s: NTSTATUS): boolean => s >>> 30 === 1;
export const NT_WARNING = (s: NTSTATUS): boolean => s >>> 30 === 2;
export const NT_ERROR = (s: NTSTATUS): boolean => s >>> 30 === 3;

/** 0xC0000120 style, for messages */
export const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase().padStart(n >>> 0 > 0xffff ? 8 : 1, '0')}`;

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries({
    STATUS_SUCCESS,
    STATUS_PENDING,
    STATUS_TIMEOUT,
    STATUS_BUFFER_OVERFLOW,
    STATUS_UNSUCCESSFUL,
    STATUS_NOT_IMPLEMENTED,
    STATUS_ACCESS_VIOLATION,
    STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER,
    STATUS_INVALID_DEVICE_REQUEST,
    STATUS_ACCESS_DENIED,
    STATUS_BUFFER_TOO_SMALL,
    STATUS_INSUFFICIENT_RESOURCES,
    STATUS_NOT_SUPPORTED,
    STATUS_CANCELLED,
    STATUS_INVALID_DEVICE_STATE,
    STATUS_NOT_FOUND,
  }).map(([name, value]) => [value, name]),
);

/** `STATUS_CANCELLED (0xC0000120)`, or the hex value alone when the status has no name here */
export const statusText = (s: number): string => {
  const name = NAMES.get(s >>> 0);
  return name === undefined ? hex(s) : `${name} (${hex(s)})`;
};
