// Win32 constants (spec/usermode.md §7; winbase.h, winnt.h, fileapi.h values).

export const INVALID_HANDLE_VALUE = -1;
export const NULL = 0;
export const INFINITE = 0xffffffff;

export const WAIT_OBJECT_0 = 0x00000000;
export const WAIT_ABANDONED = 0x00000080;
export const WAIT_ABANDONED_0 = 0x00000080;
export const WAIT_IO_COMPLETION = 0x000000c0;
export const WAIT_TIMEOUT = 0x00000102;
export const WAIT_FAILED = 0xffffffff;

export const CREATE_NEW = 1;
export const CREATE_ALWAYS = 2;
export const OPEN_EXISTING = 3;
export const OPEN_ALWAYS = 4;
export const TRUNCATE_EXISTING = 5;

export const FILE_ATTRIBUTE_NORMAL = 0x80;
export const FILE_FLAG_OVERLAPPED = 0x40000000;
export const FILE_FLAG_NO_BUFFERING = 0x20000000;
export const FILE_FLAG_WRITE_THROUGH = 0x80000000;

export const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
export const FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

export const TRUE = true;
export const FALSE = false;
