// VERDICT_EVENT_TYPES names every event type the verdict analysis reads: a long-running
// `answer` keeps only those (src/cli/run-events.ts), so a type missing here would silently
// change its verdicts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeRun, collectFacts, VERDICT_EVENT_TYPES } from '../../src/engine/verdict/index.js';
import type { SipEvent } from '../../src/events/types.js';
import { busy, fullCall, inviteTimeout, peerHangsUp, strayResponse, transportFailure } from '../present/fixtures.js';

const DIR = new URL('../../src/engine/verdict/', import.meta.url);

describe('VERDICT_EVENT_TYPES', () => {
  it('holds every event type the verdict code branches on', () => {
    const read = new Set<string>();
    for (const name of readdirSync(DIR).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(name, DIR), 'utf8');
      for (const m of text.matchAll(/\be\.type [!=]== '([a-z.]+)'/g)) read.add(m[1]!);
      if (name === 'facts.ts') for (const m of text.matchAll(/case '([a-z]+(?:\.[a-z]+)?)':/g)) read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((t) => !VERDICT_EVENT_TYPES.has(t as SipEvent['type']))).toEqual([]);
  });

  it('keeping only those types changes neither the facts nor the verdict', () => {
    for (const run of [fullCall(), inviteTimeout(), strayResponse(), transportFailure(), busy(), peerHangsUp()]) {
      const kept = run.filter((e) => VERDICT_EVENT_TYPES.has(e.type));
      expect(kept.length).toBeLessThan(run.length);
      const { events: _a, ...all } = collectFacts(run);
      const { events: _b, ...some } = collectFacts(kept);
      expect(some).toEqual(all);
      expect(analyzeRun(kept)).toEqual(analyzeRun(run));
    }
  });
});
