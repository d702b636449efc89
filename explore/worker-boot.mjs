// Entry of an explore worker thread: lowers the thread's priority, registers the TypeScript loader
// (bin/register.mjs) in the thread, then loads the TypeScript worker. The main thread explores too
// (explore.ts runShared), and one explore thread already keeps ~1.4 cores busy (V8 scavenges on
// helper threads); at the lowest priority a worker runs on what the main thread and those helpers
// leave idle instead of slowing them. With idle cores the priority changes nothing. Linux: a
// thread's nice value is its own (setpriority on the thread id from /proc/thread-self); elsewhere
// this is skipped. Set before the loader is registered, so the hooks thread it starts inherits it.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // no /proc (macOS, Windows) or not permitted: the thread keeps its priority
}
await import('../bin/register.mjs');
await import('./worker.ts');
