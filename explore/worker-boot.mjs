// Entry of an explore worker thread: lowers the thread's priority, registers tsx in the thread, then
// loads the TypeScript worker. The main thread explores too (explore.ts runShared), and one explore
// thread already keeps ~1.4 cores busy (V8 scavenges on helper threads); at the lowest priority a
// worker runs on what the main thread and those helpers leave idle instead of slowing them. With
// idle cores the priority changes nothing. Linux: a thread's nice value is its own (setpriority on
// the thread id from /proc/thread-self); elsewhere this is skipped. Set before register() so the
// loader thread tsx starts inherits it.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // no /proc (macOS, Windows) or not permitted: the thread keeps its priority
}
register();
await import('./worker.ts');
