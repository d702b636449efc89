// The trace: one event per step (and per timer firing or layer note), and a stable hash of it,
// computed as events happen so it exists even when the events are not kept. The hash covers step,
// virtual time, task, label and data, with strings hashed by content: the same scenario and
// schedule give the same hash in any process on any machine.
import type { TraceEvent } from './types.ts';

const stringHashes = new Map<string, number>();

/** 32-bit FNV-1a of a string's UTF-16 code units; cached (pure, so caching cannot break determinism) */
export function hashString(s: string): number {
  let h = stringHashes.get(s);
  if (h !== undefined) return h;
  h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  if (stringHashes.size < 100_000) stringHashes.set(s, h);
  return h;
}

/** a 64-bit hash (two 32-bit lanes, cyrb53-style mixing), printed as 16 hex digits */
export class TraceHasher {
  // an Int32Array so that updating the state never allocates a heap number
  private readonly h = Int32Array.of(0xdeadbeef | 0, 0x41c6ce57);

  add(step: number, timeMs: number, task: string, label: string, data: string | number | undefined): void {
    this.addHashed(step, timeMs, hashString(task), hashString(label), data);
  }

  /** the same, with the task's and label's string hashes already known (two multiplies per event) */
  addHashed(step: number, timeMs: number, t: number, l: number, data: string | number | undefined): void {
    const d = data === undefined ? 0x9e3779b9 : typeof data === 'number' ? hashNumber(data) : hashString(data);
    const v = (Math.imul(t, 31) + Math.imul(l, 0x01000193) + Math.imul(d, 17) + step + Math.imul(timeMs, 0x2545f491)) | 0;
    const h = this.h;
    h[0] = Math.imul(h[0] ^ v, 2654435761);
    h[1] = Math.imul(h[1] ^ (v + step), 1597334677);
  }

  digest(): string {
    let h1 = this.h[0];
    let h2 = this.h[1];
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

function hashNumber(n: number): number {
  return Number.isInteger(n) && Math.abs(n) < 0x7fffffff ? (n ^ 0x5bd1e995) | 0 : hashString(`n${n}`);
}

export class TraceEntry implements TraceEvent {
  constructor(
    readonly step: number,
    readonly timeMs: number,
    readonly kind: TraceEvent['kind'],
    readonly task: string,
    readonly label: string,
    readonly data: string | number | undefined,
    readonly irp: number | undefined,
  ) {}
}

