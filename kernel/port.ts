// I/O completion ports (spec/usermode.md §6.2) as a dispatcher object in the style of NT's KQUEUE:
// signaled while it holds packets; a satisfied wait takes the first packet (FIFO) into the waiting
// thread. Which of several waiting threads gets a packet is a 'wake-one' decision (Windows wakes
// waiters LIFO; irpsim explores every order). Stage B queues one packet per completed request whose
// file object is bound to the port.
import { DispatcherObject } from './dispatcher.ts';
import type { NtSystem } from './system.ts';
import type { KThread } from './thread.ts';

export interface Packet {
  key: number;
  /** the request's ApcContext (its OVERLAPPED), or what PostQueuedCompletionStatus passed */
  overlapped: unknown;
  status: number;
  information: number;
}

export class IoCompletionPort extends DispatcherObject {
  readonly type = 'IoCompletion';
  readonly packets: Packet[] = [];
  constructor(
    oid: number,
    readonly concurrency: number,
  ) {
    super(oid, `port#${oid}`);
  }
  isSignaledFor(): boolean {
    return this.packets.length > 0;
  }
  override consume(thread: KThread): boolean {
    thread.dequeuedPacket = this.packets.shift() ?? null;
    return false;
  }
}

export function queuePacket(sys: NtSystem, port: IoCompletionPort, p: Packet): void {
  port.packets.push(p);
  sys.signal(port);
}
