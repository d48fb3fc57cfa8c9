import { describe, expect, it } from 'vitest';
import { presenterFor } from '../../src/cli/output.js';
import { PrettyPresenter } from '../../src/present/pretty.js';
import { fakeIo } from '../support/fake-io.js';

function spinnerOn(flags: Record<string, unknown>, stderrTTY: boolean, columns?: number): boolean {
  const io = fakeIo();
  io.err.isTTY = stderrTTY;
  if (columns !== undefined) (io.err as unknown as { columns: number }).columns = columns;
  const p = presenterFor({ header: [], ...flags }, io);
  return p instanceof PrettyPresenter && p.spinner !== null;
}

describe('presenterFor: the spinner', () => {
  it('runs on a terminal stderr', () => expect(spinnerOn({}, true, 80)).toBe(true));
  it('never runs when stderr is not a terminal', () => expect(spinnerOn({}, false, 80)).toBe(false));
  it('never runs with --json or -q', () => {
    expect(spinnerOn({ json: true }, true, 80)).toBe(false);
    expect(spinnerOn({ quiet: true }, true, 80)).toBe(false);
  });
  it('never runs on a terminal that reports 0 columns (ora would redraw without end)', () => expect(spinnerOn({}, true, 0)).toBe(false));
});
