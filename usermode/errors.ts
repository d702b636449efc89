// Win32 error codes (winerror.h values, spec/usermode.md §7) and RtlNtStatusToDosError for the
// statuses the model produces (spec/kernel.md §7.2: the ReactOS/Wine table; unmapped statuses give
// ERROR_MR_MID_NOT_FOUND as there).

export const ERROR_SUCCESS = 0;
export const ERROR_INVALID_FUNCTION = 1;
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_PATH_NOT_FOUND = 3;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_HANDLE = 6;
export const ERROR_NOT_ENOUGH_MEMORY = 8;
export const ERROR_NOT_READY = 21;
export const ERROR_BAD_COMMAND = 22;
export const ERROR_GEN_FAILURE = 31;
export const ERROR_HANDLE_EOF = 38;
export const ERROR_NOT_SUPPORTED = 50;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_BROKEN_PIPE = 109;
export const ERROR_CALL_NOT_IMPLEMENTED = 120;
export const ERROR_SEM_TIMEOUT = 121;
export const ERROR_INSUFFICIENT_BUFFER = 122;
export const ERROR_ALREADY_EXISTS = 183;
export const ERROR_MORE_DATA = 234;
export const ERROR_NOT_OWNER = 288;
export const ERROR_TOO_MANY_POSTS = 298;
export const ERROR_MR_MID_NOT_FOUND = 317;
export const ERROR_ABANDONED_WAIT_0 = 735;
export const ERROR_OPERATION_ABORTED = 995;
export const ERROR_IO_INCOMPLETE = 996;
export const ERROR_IO_PENDING = 997;
export const ERROR_NOACCESS = 998;
export const ERROR_NOT_FOUND = 1168;
export const ERROR_CANCELLED = 1223;
export const ERROR_NO_SYSTEM_RESOURCES = 1450;
export const ERROR_TIMEOUT = 1460;

const TABLE: ReadonlyMap<number, number> = new Map([
  [0x00000000, ERROR_SUCCESS],
  [0x00000103, ERROR_IO_PENDING],
  [0x00000080, ERROR_ABANDONED_WAIT_0],
  [0x00000102, ERROR_TIMEOUT],
  [0x80000005, ERROR_MORE_DATA],
  [0xc0000001, ERROR_GEN_FAILURE],
  [0xc0000002, ERROR_INVALID_FUNCTION],
  [0xc0000005, ERROR_NOACCESS],
  [0xc0000008, ERROR_INVALID_HANDLE],
  [0xc000000d, ERROR_INVALID_PARAMETER],
  [0xc000000e, ERROR_FILE_NOT_FOUND],
  [0xc0000010, ERROR_INVALID_FUNCTION],
  [0xc0000011, ERROR_HANDLE_EOF],
  [0xc0000016, ERROR_MORE_DATA],
  [0xc0000022, ERROR_ACCESS_DENIED],
  [0xc0000023, ERROR_INSUFFICIENT_BUFFER],
  [0xc0000024, ERROR_INVALID_HANDLE],
  [0xc0000034, ERROR_FILE_NOT_FOUND],
  [0xc0000035, ERROR_ALREADY_EXISTS],
  [0xc0000046, ERROR_NOT_OWNER],
  [0xc0000047, ERROR_TOO_MANY_POSTS],
  [0xc0000056, ERROR_ACCESS_DENIED],
  [0xc000009a, ERROR_NO_SYSTEM_RESOURCES],
  [0xc00000a3, ERROR_NOT_READY],
  [0xc00000b5, ERROR_SEM_TIMEOUT],
  [0xc00000bb, ERROR_NOT_SUPPORTED],
  [0xc0000120, ERROR_OPERATION_ABORTED],
  [0xc0000128, ERROR_INVALID_HANDLE],
  [0xc0000184, ERROR_BAD_COMMAND],
  [0xc0000225, ERROR_NOT_FOUND],
  [0xc000004b, ERROR_ACCESS_DENIED],
]);

export function RtlNtStatusToDosError(status: number): number {
  const s = status >>> 0;
  if (s === 0 || (s & 0x20000000) !== 0) return s;
  const hi = s >>> 16;
  if (hi === 0xc001 || hi === 0x8007) return s & 0xffff;
  return TABLE.get(s) ?? TABLE.get(((s & 0xf0000000) >>> 0 === 0xd0000000 ? s - 0x10000000 : s) >>> 0) ?? ERROR_MR_MID_NOT_FOUND;
}
