// OVERLAPPED (spec/usermode.md §3.8): Internal = NTSTATUS, InternalHigh = bytes. The I/O manager
// writes them through the status block the structure embeds, exactly as NT treats the first two
// fields of an OVERLAPPED as an IO_STATUS_BLOCK.
import type { IO_STATUS_BLOCK } from '../kernel/index.ts';

export class OVERLAPPED {
  /** the IO_STATUS_BLOCK view of Internal / InternalHigh */
  readonly iosb: IO_STATUS_BLOCK = { Status: 0, Information: 0 };
  Offset = 0;
  OffsetHigh = 0;
  hEvent = 0;

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
