// Referencing objects by handle for the Nt services: pseudo-handles (-1 = current process,
// -2 = current thread; INVALID_HANDLE_VALUE is the current-process pseudo-handle, spec/usermode.md
// §2.2 and §5.1), the low two bits ignored, type checks (STATUS_OBJECT_TYPE_MISMATCH).
import type { KObject, ObjectType } from './objects.ts';
import { STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH } from './status.ts';
import type { KThread } from './thread.ts';

export const NtCurrentProcess = -1;
export const NtCurrentThread = -2;

export type Referenced<T extends KObject> = { object: T; access: number } | { status: number };

export function referenceByHandle<T extends KObject>(t: KThread, h: number, type: ObjectType | null): Referenced<T> {
  let object: KObject | undefined;
  let access = 0x1fffff;
  if (h === NtCurrentProcess) object = t.process;
  else if (h === NtCurrentThread) object = t;
  else {
    const e = t.process.handles.lookup(h);
    object = e?.object;
    access = e?.access ?? 0;
  }
  if (object === undefined) return { status: STATUS_INVALID_HANDLE };
  if (type !== null && object.type !== type) return { status: STATUS_OBJECT_TYPE_MISMATCH };
  return { object: object as T, access };
}
