// Virtual time: integer milliseconds plus a creation sequence. Timers are kept sorted by
// (due, seq) — a total order with a tie-break, never by insertion luck (STYLE.md 9). Time moves
// only when nothing can run; which of several timers due at the same instant fires first is a
// 'timer-tie' decision taken by the engine, not here.

export class Timer {
  active = true;
  constructor(
    readonly dueMs: number,
    readonly seq: number,
    readonly label: string,
    readonly fire: () => void,
  ) {}
}

export class TimerQueue {
  private readonly timers: Timer[] = [];
  private seq = 0;

  get size(): number {
    return this.timers.length;
  }

  add(dueMs: number, label: string, fire: () => void): Timer {
    const t = new Timer(dueMs, this.seq++, label, fire);
    const ts = this.timers;
    // binary search for the first timer ordered after t: (due, seq) with seq always growing
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid].dueMs <= dueMs) lo = mid + 1;
      else hi = mid;
    }
    ts.splice(lo, 0, t);
    return t;
  }

  /** true when the timer was still pending */
  cancel(t: Timer): boolean {
    if (!t.active) return false;
    t.active = false;
    const i = this.timers.indexOf(t);
    if (i >= 0) this.timers.splice(i, 1);
    return true;
  }

  /** due time of the earliest timer, or Infinity */
  nextDue(): number {
    return this.timers.length === 0 ? Number.POSITIVE_INFINITY : this.timers[0].dueMs;
  }

  /** how many timers share the earliest due time */
  tiedAtFront(): number {
    const ts = this.timers;
    let n = 0;
    while (n < ts.length && ts[n].dueMs === ts[0].dueMs) n++;
    return n;
  }

  peek(i: number): Timer {
    return this.timers[i];
  }

  /** removes and returns the i-th earliest timer (i < tiedAtFront()) */
  take(i: number): Timer {
    const [t] = this.timers.splice(i, 1);
    t.active = false;
    return t;
  }
}
