// Shrinks a failing schedule toward the fewest, earliest, smallest preemptions (DESIGN.md "A schedule
// is data"): cut the tail (a missing choice is 0), drop choices, zero each non-zero one, move it
// earlier, lower its value; when stuck, re-assign small windows, then search the short sparse
// schedules. A candidate is kept only when the caller's replay still shows the same finding and it is
// strictly better by (preemptions, length, non-zeros, their positions, their values). ≤ maxRuns runs.

export interface ShrinkProbe {
  /** the same finding occurred */
  fails: boolean;
  /** the choices the run actually took (in range) */
  choices: number[];
  /** RunResult.stats.preemptions of that run */
  preemptions: number;
}

export interface ShrinkOptions {
  /** most replays to spend (default 2000) */
  maxRuns?: number;
}

export const DEFAULT_SHRINK_RUNS = 2000;

/** (preemptions, length, non-zeros, position sum, value sum): lower is simpler */
type Key = readonly [number, number, number, number, number];

class Shrinker {
  runs = 0;
  best: number[];
  private key: Key;
  /** candidates already replayed: runs are deterministic and keys only fall, so never retry one */
  private readonly tried = new Set<string>();

  constructor(
    start: number[],
    preemptions: number,
    private readonly stillFails: (choices: number[]) => ShrinkProbe,
    private readonly maxRuns: number,
  ) {
    this.best = trimZeros(start);
    this.key = keyOf(this.best, preemptions);
    this.tried.add(this.best.join());
  }

  get preemptions(): number {
    return this.key[0];
  }

  get runsLeft(): number {
    return this.maxRuns - this.runs;
  }

  get exhausted(): boolean {
    return this.runs >= this.maxRuns;
  }

  /** replays `candidate`; keeps it (as the choices actually taken) when it fails and is simpler */
  attempt(candidate: number[]): boolean {
    if (this.exhausted) return false;
    const id = trimZeros(candidate).join();
    if (this.tried.has(id)) return false;
    this.tried.add(id);
    this.runs++;
    const r = this.stillFails(candidate);
    if (!r.fails) return false;
    const taken = trimZeros(r.choices);
    const k = keyOf(taken, r.preemptions);
    if (compareKeys(k, this.key) >= 0) return false;
    this.best = taken;
    this.key = k;
    return true;
  }
}

export function shrinkSchedule(
  choices: number[],
  stillFails: (choices: number[]) => ShrinkProbe,
  opts: ShrinkOptions = {},
): { choices: number[]; runs: number } {
  const maxRuns = Math.max(1, opts.maxRuns ?? DEFAULT_SHRINK_RUNS);
  const first = stillFails(choices);
  if (!first.fails) return { choices: choices.slice(), runs: 1 };
  const s = new Shrinker(first.choices, first.preemptions, stillFails, maxRuns);
  s.runs = 1;
  let improved = true;
  while (improved && !s.exhausted) {
    improved = cutTail(s);
    for (const move of MOVES) improved = sweep(s, move) || improved;
    if (!improved) improved = sweep(s, reassign(3, 2));
    if (!improved) improved = search(s);
  }
  return { choices: s.best, runs: s.runs };
}

/** fewer decisions: binary search for a short failing prefix, then try each shorter cut in turn */
function cutTail(s: Shrinker): boolean {
  let improved = false;
  let lo = 0;
  let hi = s.best.length;
  while (lo < hi && !s.exhausted) {
    const mid = (lo + hi) >> 1;
    if (s.attempt(s.best.slice(0, mid))) {
      improved = true;
      hi = Math.min(mid, s.best.length);
    } else {
      lo = mid + 1;
    }
  }
  for (let len = 0; len < s.best.length && !s.exhausted; len++) {
    if (s.best[len] === 0) continue;
    if (s.attempt(s.best.slice(0, len))) {
      improved = true;
      len = -1;
    }
  }
  return improved;
}

/** the candidates a move derives from the best schedule at position i */
type Move = (c: readonly number[], i: number) => number[][];

/** tries `move` at every position; after a success, tries again at the same position */
function sweep(s: Shrinker, move: Move): boolean {
  let improved = false;
  for (let i = 0; i < s.best.length && !s.exhausted; i++) {
    for (const candidate of move(s.best, i)) {
      if (s.attempt(candidate)) {
        improved = true;
        i--;
        break;
      }
    }
  }
  return improved;
}

const SHIFTS = [1, 2, 3];
const VALUES = [1, 2, 3];

/** drop k choices at i: the later ones move to earlier decisions (a thread ran less) */
const drop =
  (k: number): Move =>
  (c, i) =>
    i + k <= c.length ? [splice(c, i, k)] : [];

/**
 * Fewer preemptions. A choice's value is relative to the options of its decision, so removing one
 * switch usually shifts or re-targets the later ones: try zeroing it alone, with the rest shifted
 * by a few decisions either way, and with the next switch re-targeted.
 */
const zero: Move = (c, i) => {
  if (c[i] === 0) return [];
  const out = [splice(c, i, 1, 0)];
  for (const k of SHIFTS) out.push(splice(c, i, 1 + k, 0), splice(c, i, 1, ...new Array<number>(1 + k).fill(0)));
  const j = c.findIndex((v, x) => x > i && v !== 0);
  if (j < 0) return out;
  for (const v of VALUES) {
    if (v === c[j]) continue;
    const z = splice(c, i, 1, 0);
    z[j] = v;
    const d = splice(c, i, 1);
    d[j - 1] = v;
    out.push(z, d);
  }
  return out;
};

/** earlier preemptions: move a non-zero choice into a zero slot before it, earliest first */
const earlier: Move = (c, i) => {
  if (c[i] === 0) return [];
  const out: number[][] = [];
  for (let j = 0; j < i; j++) {
    if (c[j] !== 0) continue;
    const m = c.slice();
    m[j] = c[i];
    m[i] = 0;
    out.push(m);
  }
  return out;
};

/** smaller choices: the smallest value that still fails */
const lower: Move = (c, i) => {
  const out: number[][] = [];
  for (let w = 1; w < c[i]; w++) out.push(Object.assign(c.slice(), { [i]: w }));
  return out;
};

/**
 * The last resort when single changes are stuck: every assignment of values 0..max to the `size`
 * choices from a non-zero one, fewest non-zeros first. Removing one switch often needs its
 * neighbours re-targeted at once, since each choice's value is relative to its own options.
 */
const reassign =
  (size: number, max: number): Move =>
  (c, i) => {
    if (c[i] === 0) return [];
    const out: number[][] = [];
    for (const values of assignments(size, max)) {
      const m = c.slice();
      for (let k = 0; k < size; k++) m[i + k] = values[k];
      for (let k = 0; k < m.length; k++) m[k] ??= 0;
      out.push(m);
    }
    return out;
  };

/** every vector of `size` values in 0..max, fewest non-zeros first, then in counting order */
function assignments(size: number, max: number): number[][] {
  const all: number[][] = [[]];
  for (let k = 0; k < size; k++) {
    const next: number[][] = [];
    for (const a of all) for (let v = 0; v <= max; v++) next.push([...a, v]);
    all.splice(0, all.length, ...next);
  }
  const nonZero = (a: number[]) => a.filter((v) => v !== 0).length;
  return all.map((a, seq) => ({ a, seq, n: nonZero(a) })).sort((x, y) => x.n - y.n || x.seq - y.seq).map((x) => x.a);
}

const MOVES: readonly Move[] = [drop(1), drop(2), drop(4), drop(8), zero, earlier, lower];

/**
 * When every local change is stuck: all schedules no longer than the best with at most as many
 * non-zero choices (values 1..3) as it has preemptions, fewest first, until one is simpler. Short
 * stuck schedules are common (a wrong first choice forces extra switches) and this set is small;
 * a set larger than the runs left is not searched (a partial search would only try early switches).
 */
const SEARCH_MAX = 3;

function search(s: Shrinker): boolean {
  for (let n = 0; n <= s.preemptions && !s.exhausted; n++) {
    if (binomial(s.best.length, n) * SEARCH_MAX ** n > s.runsLeft) return false;
    for (const c of sparse(s.best.length, n, SEARCH_MAX)) {
      if (s.exhausted) return false;
      if (s.attempt(c)) return true;
    }
  }
  return false;
}

/** every array of `length` with exactly `count` non-zero values in 1..max, in lexicographic order */
function* sparse(length: number, count: number, max: number, from = 0, acc: number[] = []): Generator<number[]> {
  if (count === 0) {
    yield Array.from({ length }, (_, i) => acc[i] ?? 0);
    return;
  }
  for (let i = from; i <= length - count; i++) {
    for (let v = 1; v <= max; v++) {
      acc[i] = v;
      yield* sparse(length, count - 1, max, i + 1, acc);
      acc[i] = 0;
    }
  }
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

function splice(c: readonly number[], at: number, remove: number, ...insert: number[]): number[] {
  const m = c.slice();
  m.splice(at, remove, ...insert);
  return m;
}

function trimZeros(choices: readonly number[]): number[] {
  let n = choices.length;
  while (n > 0 && choices[n - 1] === 0) n--;
  return choices.slice(0, n);
}

function keyOf(choices: readonly number[], preemptions: number): Key {
  let nonZero = 0;
  let positions = 0;
  let values = 0;
  for (let i = 0; i < choices.length; i++) {
    if (choices[i] === 0) continue;
    nonZero++;
    positions += i;
    values += choices[i];
  }
  return [preemptions, choices.length, nonZero, positions, values];
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}
