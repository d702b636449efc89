// ntddk's doubly linked list macros (InitializeListHead, InsertTailList, RemoveHeadList,
// RemoveEntryList, IsListEmpty) over LIST_ENTRY objects, so that queue code reads like the C it
// ports — including what C does with a stale entry: RemoveEntryList writes through whatever Flink and
// Blink still hold (spec/kernel.md §8 items 3–4), and an entry never linked (NULL links) faults.
// CONTAINING_RECORD for IRPs: IrpListEntry(Irp) is &Irp->Tail.Overlay.ListEntry.
import { type IRP, tracked } from '../../index.ts';

export interface LIST_ENTRY {
  Flink: LIST_ENTRY;
  Blink: LIST_ENTRY;
}

/** a list head (or a local LIST_ENTRY), initialized to the empty list */
export function NewListHead(): LIST_ENTRY {
  // tracked: under DPOR each link's reads and writes are in the step's footprint
  const head = tracked({} as LIST_ENTRY);
  InitializeListHead(head);
  return head;
}

export function InitializeListHead(ListHead: LIST_ENTRY): void {
  ListHead.Flink = ListHead;
  ListHead.Blink = ListHead;
}

export function IsListEmpty(ListHead: LIST_ENTRY): boolean {
  return ListHead.Flink === ListHead;
}

export function InsertTailList(ListHead: LIST_ENTRY, Entry: LIST_ENTRY): void {
  const Blink = ListHead.Blink;
  Entry.Flink = ListHead;
  Entry.Blink = Blink;
  Blink.Flink = Entry;
  ListHead.Blink = Entry;
}

/** returns TRUE when the list is empty afterwards (as the C inline does) */
export function RemoveEntryList(Entry: LIST_ENTRY): boolean {
  const Flink = Entry.Flink;
  const Blink = Entry.Blink;
  Blink.Flink = Flink;
  Flink.Blink = Blink;
  return Flink === Blink;
}

export function RemoveHeadList(ListHead: LIST_ENTRY): LIST_ENTRY {
  const Entry = ListHead.Flink;
  RemoveEntryList(Entry);
  return Entry;
}

const owners = new WeakMap<object, IRP>();

/** &Irp->Tail.Overlay.ListEntry (touching a freed IRP here is a use-after-free, as in C) */
export function IrpListEntry(Irp: IRP): LIST_ENTRY {
  const Entry = Irp.Tail.Overlay.ListEntry as unknown as LIST_ENTRY;
  owners.set(Entry, Irp);
  return Entry;
}

/** CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry) */
export function CONTAINING_RECORD(Entry: LIST_ENTRY): IRP {
  const Irp = owners.get(Entry);
  if (Irp === undefined) throw new TypeError('CONTAINING_RECORD: the entry is not an IRP list entry (a list head?)');
  return Irp;
}
