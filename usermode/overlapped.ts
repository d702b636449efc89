// OVERLAPPED (spec/usermode.md §3.8): Internal = NTSTATUS, InternalHigh = bytes. The I/O manager
// writes them through the status block the structure embeds, exactly as NT treats the first two
// fields of an OVERLAPPED as an IO_STATUS_BLOCK.
import { tracked } from '../core/index.ts';
import type { IO_STATUS_BLOCK } from '../kernel/index.ts';

export class OVERLAPPED {
  /** the IO_STATUS_BLOCK view of Internal / InternalHigh */
  readonly iosb: IO_STATUS_BLOCK = { Status: 0, Information: 0 };
  Offset = 0;
  OffsetHigh = 0;
  hEvent = 0;

  constructor() {
    // the kernel writes it at completion, other threads read it: under DPOR every access is a touch
    // biome-ignore lint/correctness/noConstructorReturn: the tracking view stands for the object (DPOR)
    return tracked(this);
  }

  get Internal(): number {
    return this.iosb.Status;
  }
  set Internal(v: number) {
    this.iosb.Status = v >>> 0;
  }
  get InternalHigh(): number {
    return this.iosb.Information;
  }
  set InternalHigh(v: number) {
    this.iosb.Information = v;
  }
}

/** HasOverlappedIoCompleted: ((DWORD)Internal) != STATUS_PENDING (§3.7) */
export function HasOverlappedIoCompleted(lpOverlapped: OVERLAPPED): boolean {
  return lpOverlapped.Internal !== 0x103;
}
