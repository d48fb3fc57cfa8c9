import type { SipEvent } from '../../events/types.js';
import type { PlannedTest, TestResult } from '../runner.js';

export interface RunSummary {
  results: TestResult[];
  /** Tests planned (after --only). */
  planned: number;
  durationMs: number;
  exitCode: number;
  /** Ctrl-C stopped the run: `planned - results.length` tests did not start. */
  interrupted?: boolean;
}

/** A reader of a test run: events and results arrive in file order (report/ordered.ts). */
export interface Reporter {
  begin?(planned: PlannedTest[]): void;
  event?(t: PlannedTest, e: SipEvent): void;
  result(r: TestResult): void;
  end?(s: RunSummary): void;
}

export function counts(results: TestResult[]): { passed: number; failed: number; errors: number } {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

/** `(0.123 s)`: the time a test took. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}
