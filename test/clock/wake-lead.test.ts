// How early the system clock arms its host timer (src/clock/wake-lead.ts): the kernel's timer
// slack in proportion to the wait, plus a learnt constant that tracks the 95th percentile of the
// remaining lateness.
import { describe, expect, it } from 'vitest';
import {
  BASE_STEP_MS,
  INITIAL_BASE_MS,
  KERNEL_SLACK_RATIO,
  MAX_KERNEL_SLACK_MS,
  WakeLead,
} from '../../src/clock/wake-lead.js';

describe('WakeLead', () => {
  it('leads by 0.1 % of the wait (the kernel slack) plus the learnt base', () => {
    const w = new WakeLead();
    expect(w.base).toBe(INITIAL_BASE_MS);
    expect(w.lead(8000)).toBeCloseTo(8000 * KERNEL_SLACK_RATIO + INITIAL_BASE_MS, 9);
    expect(w.lead(500)).toBeCloseTo(0.5 + INITIAL_BASE_MS, 9);
    // Linux caps a poll's slack at 100 ms
    expect(w.lead(3_600_000)).toBeCloseTo(MAX_KERNEL_SLACK_MS + INITIAL_BASE_MS, 9);
  });

  it('a niced process gets its own ratio', () => {
    expect(new WakeLead(0.005, 1.9, 0).lead(4000)).toBeCloseTo(20, 9);
  });

  it('one late wake-up raises the base by one step only; early ones lower it by a nineteenth', () => {
    const w = new WakeLead(0.001, 1.9, 1);
    w.observe(1000, 1 + 50); // a 50 ms stall
    expect(w.base).toBeCloseTo(1 + BASE_STEP_MS, 9);
    w.observe(1000, 1 + 0.2); // slack 1 ms + 0.2 ms: below the base
    expect(w.base).toBeCloseTo(1 + BASE_STEP_MS - BASE_STEP_MS / 19, 9);
  });

  it('the proportional slack is not learnt as base: an 8 s wait 8 ms late teaches "on time"', () => {
    const w = new WakeLead(0.001, 1.9, 1);
    for (let i = 0; i < 50; i++) w.observe(8000, 8 + 0.5);
    expect(w.base).toBeLessThan(1);
  });

  it('converges on the 95th percentile of the lateness the slack does not explain', () => {
    const w = new WakeLead(0.001, 10, 0);
    // residual lateness spread evenly over 0 … 0.99 ms: the 95th percentile is 0.95 ms
    for (let i = 0; i < 20_000; i++) w.observe(100, 0.1 + ((i * 37) % 100) / 100);
    expect(w.base).toBeGreaterThan(0.85);
    expect(w.base).toBeLessThan(1.05);
  });

  it('stays within [0, maxBase], and ignores waits under 2 ms and non-finite lateness', () => {
    const w = new WakeLead(0.001, 1.9, 1);
    for (let i = 0; i < 100; i++) w.observe(100, 30);
    expect(w.base).toBe(1.9);
    const v = new WakeLead(0.001, 1.9, 0.02);
    for (let i = 0; i < 100; i++) v.observe(100, -5);
    expect(v.base).toBe(0);
    const u = new WakeLead(0.001, 1.9, 1);
    u.observe(0, 5);
    u.observe(1, 5);
    u.observe(100, Number.NaN);
    expect(u.base).toBe(1);
  });
});
