/**
 * Property fuzzing (fast-check) of the parser, the URI and header parsers, the SDP reader and
 * the four transaction machines, plus the linear-time check. In `npm test` a few-second slice
 * runs (FUZZ_RUNS cases in all, default 6,000); `npm run fuzz` (scripts/fuzz.mjs) sets
 * FUZZ_RUNS to a million or more and FUZZ_REPORT to a file for its table.
 *
 * Environment: FUZZ_RUNS (total cases over all targets), FUZZ_SEED (replay a failure: fast-check
 * prints the seed), FUZZ_CASE_MS (per-case time bound, default 1,000 ms), FUZZ_REPORT (a JSON file
 * the per-target figures are written to).
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { measure, SHAPES, type LinearReport } from './linear.js';
import { PARSER_TARGETS } from './parser-targets.js';
import { runTarget, type TargetReport } from './target.js';
import type { ClientInput } from '../../src/transaction/types.js';
import { client, drive, TRANSACTION_TARGETS, type Action, type AnyEffect, type AnyState, type Machine } from './transaction-targets.js';

const TOTAL = Number(process.env.FUZZ_RUNS ?? 6000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Per-case bound. Inputs are at most a few KB: a case this slow is a hang in the making, not a GC pause. */
const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 1000);
/** Cost per byte may grow this much from 10 KB to 1 MB; quadratic code gives ~100 (linear.ts). */
const MAX_GROWTH = 30;
/** Long runs get no vitest time limit of their own: the per-case bound finds hangs. */
const TIMEOUT = TOTAL > 20_000 ? 3_600_000 : 60_000;

const TARGETS = [...PARSER_TARGETS, ...TRANSACTION_TARGETS];
const targets: TargetReport[] = [];
const linear: LinearReport[] = [];

afterAll(() => {
  if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ total: TOTAL, targets, linear }, null, 2));
});

describe('fuzz targets', () => {
  it('the shares add up to the whole', () => {
    expect(TARGETS.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 6);
  });

  for (const target of TARGETS) {
    it(
      target.name,
      () => {
        const runs = Math.max(50, Math.round(TOTAL * target.share));
        let report: TargetReport;
        try {
          report = runTarget(target, runs, CASE_MS, SEED);
        } catch (e) {
          targets.push({ name: target.name, cases: 0, ms: 0, slowestCaseMs: 0, failure: String(e).split('\n').slice(0, 4).join(' ') });
          throw e;
        }
        targets.push(report);
        expect(report.cases).toBe(runs);
      },
      TIMEOUT,
    );
  }
});

describe(`time linear in input size (10 KB, 100 KB, 1 MB): cost per byte at 1 MB under ×${MAX_GROWTH} that at 10 KB`, () => {
  for (const shape of SHAPES) {
    it(
      shape.name,
      () => {
        let r = measure(shape, TOTAL <= 20_000);
        // A busy machine can slow one timing down: measure again before calling it super-linear.
        if (r.growth >= MAX_GROWTH) r = measure(shape);
        linear.push(r);
        expect(r.growth, `ns/byte at 10 KB, 100 KB, 1 MB: ${r.nsPerByte.map((x) => x.toFixed(2)).join(', ')}`).toBeLessThan(MAX_GROWTH);
      },
      TIMEOUT,
    );
  }
});

describe('the checks catch broken machines (mutants)', () => {
  const settings = { t1: 10, t2Factor: 1, t4: 10, reliable: false };
  const good = client('INVITE');
  const mutant = (change: (out: { state: AnyState; effects: readonly AnyEffect[] }) => { state: AnyState; effects: readonly AnyEffect[] }): Machine<ClientInput> => ({
    ...good,
    step: (state, input, config) => change(good.step(state, input, config)),
  });
  const ticks: Action[] = Array<Action>(12).fill({ k: 'tick' });

  it('the real machine passes the same inputs', () => {
    expect(() => drive(good, settings, ticks)).not.toThrow();
  });
  it('a timer left armed in Terminated', () => {
    const m = mutant((o) => (o.state.name === 'Terminated' ? { state: { ...o.state, armed: ['A'] } as AnyState, effects: [...o.effects, { type: 'start-timer', timer: 'A', ms: 10 }] } : o));
    expect(() => drive(m, settings, ticks)).toThrow(/armed in Terminated/);
  });
  it('an effect after Terminated', () => {
    const m = mutant((o) => (o.state.name === 'Terminated' && o.effects.length === 0 ? { ...o, effects: [{ type: 'send', what: 'retransmit' }] } : o));
    expect(() => drive(m, settings, [...ticks, { k: 'response', status: 200 }])).toThrow(/after Terminated/);
  });
  it('Timer B that never ends the transaction', () => {
    const m = mutant((o) => (o.state.name === 'Terminated' ? { state: { ...o.state, name: 'Calling', armed: ['A'] } as AnyState, effects: [{ type: 'start-timer', timer: 'A', ms: 10 }, { type: 'send', what: 'retransmit' }] } : o));
    expect(() => drive(m, settings, ticks)).toThrow(/sends from timers|not Terminated/);
  });
  it('a stale timer that acts', () => {
    const m = mutant((o) => (o.effects.length === 0 ? { ...o, effects: [{ type: 'pass-up' }] } : o));
    expect(() => drive(m, settings, [{ k: 'stale', timer: 'K' }])).toThrow(/not armed, had an effect/);
  });
});
