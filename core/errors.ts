// Tier 3 of STYLE.md 7: errors that are not modelled outcomes. Emulator bugs say '[irpsim bug]';
// bad input from a scenario author is a ScenarioError with a one-line message. The words "async"
// below name what is rejected: async bodies are detected here so that none ever runs inside a run.

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export class ReplayDivergenceError extends Error {
  override name = 'ReplayDivergenceError';
  constructor(
    readonly decision: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`replay diverged at decision ${decision}: expected "${expected}", got "${actual}"`);
  }
}

export function emulatorBug(message: string): Error {
  return new Error(`[irpsim bug] ${message}`);
}

/** Thrown through a task's stack to stop the run after a fatal finding; caught by the engine. */
export const STOP_RUN: unique symbol = Symbol('irpsim.stop-run');

/** true when `f` is a generator function (`function*`), not an async one or a plain one */
export function isGeneratorFunction(f: unknown): boolean {
  return typeof f === 'function' && f.constructor?.name === 'GeneratorFunction';
}

/**
 * What a value handed over as a thread body or routine is, for "must be a generator function"
 * errors. Nothing here runs async code: the async kinds are only named, so the error can say why
 * an async function is refused inside a run.
 */
export function describeFunction(f: unknown): string {
  if (typeof f !== 'function') return typeof f;
  const kind = f.constructor?.name;
  if (kind === 'AsyncFunction') return 'an async function (async/await is not allowed inside a run)';
  if (kind === 'AsyncGeneratorFunction') return 'an async generator function';
  return 'a plain function';
}
