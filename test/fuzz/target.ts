/**
 * A fuzz target: a generator and a check over one component, and its share of the total number
 * of cases. `runTarget` runs it as a fast-check property with a per-case time bound (a case
 * slower than `caseLimitMs` fails: a hang in the making) and reports cases, time and the
 * slowest case.
 */
import fc from 'fast-check';

export interface FuzzTarget {
  name: string;
  /** Fraction of the total cases this target runs (the shares add up to 1). */
  share: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  arbitrary: fc.Arbitrary<any>;
  /** Throws on a defect. */
  check: (input: never) => void;
}

export interface TargetReport {
  name: string;
  cases: number;
  ms: number;
  slowestCaseMs: number;
  /** The first lines of fast-check's report, when the target failed. */
  failure?: string;
}

/** Runs `target` for `runs` cases; throws fast-check's report (with the shrunk case) on a failure. */
export function runTarget(target: FuzzTarget, runs: number, caseLimitMs: number, seed?: number): TargetReport {
  let cases = 0;
  let slowest = 0;
  const check = target.check as (input: unknown) => void;
  const started = performance.now();
  fc.assert(
    fc.property(target.arbitrary, (input: unknown) => {
      const t0 = performance.now();
      check(input);
      const took = performance.now() - t0;
      cases += 1;
      if (took > slowest) slowest = took;
      if (took > caseLimitMs) throw new Error(`one case took ${took.toFixed(1)} ms (limit ${caseLimitMs} ms): a hang in the making`);
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
  return { name: target.name, cases, ms: performance.now() - started, slowestCaseMs: slowest };
}
