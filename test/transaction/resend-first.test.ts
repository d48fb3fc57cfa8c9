// The invariant the transactions rely on to put a re-send on the wire before its step is even
// computed (client-transaction.ts and server-transaction.ts `fired`, issue 14 §3): in every
// state the machines can reach, a step for an armed Timer A, E or G begins with the re-send.
// Random input sequences (fast-check) walk the pure machines of RFC 3261 Figures 5 to 8.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimerName } from '../../src/events/types.js';
import { serverStep, startServer } from '../../src/transaction/server-step.js';
import type { ServerInput, ServerState } from '../../src/transaction/server-types.js';
import { start, step } from '../../src/transaction/step.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import type { ClientInput, ClientState } from '../../src/transaction/types.js';

const TIMERS: TimerName[] = ['A', 'B', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M'];
const timer = fc.constantFrom(...TIMERS).map((t) => ({ type: 'timer' as const, timer: t }));
const status = fc.constantFrom(100, 180, 183, 200, 202, 404, 486, 503, 603);

const clientInput: fc.Arbitrary<ClientInput> = fc.oneof(
  { weight: 3, arbitrary: status.map((s) => ({ type: 'response' as const, status: s })) },
  { weight: 3, arbitrary: timer },
  { weight: 1, arbitrary: fc.constant({ type: 'transport-error' as const }) },
);
const serverInput: fc.Arbitrary<ServerInput> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ type: 'request' as const }) },
  { weight: 2, arbitrary: fc.constant({ type: 'ack' as const }) },
  { weight: 3, arbitrary: status.map((s) => ({ type: 'respond' as const, status: s })) },
  { weight: 3, arbitrary: timer },
  { weight: 1, arbitrary: fc.constant({ type: 'transport-error' as const }) },
);
const config = fc.record({ t1: fc.constantFrom(50, 500), t2: fc.constantFrom(500, 4000), reliable: fc.boolean() }).map((c) => timerConfig(c));

describe('a firing of a re-sending timer starts with the re-send, in every reachable state', () => {
  it('client transactions (Figures 5 and 6, RFC 6026): Timer A and E', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.constantFrom('INVITE', 'OPTIONS'), config, fc.array(clientInput, { maxLength: 12 }), (method, cfg, inputs) => {
        let st: ClientState = start(method, cfg).state;
        for (const input of [...inputs, { type: 'timer' as const, timer: 'A' as const }, { type: 'timer' as const, timer: 'E' as const }]) {
          for (const t of ['A', 'E'] as const) {
            if (!st.armed.includes(t)) continue;
            const effects = step(st, { type: 'timer', timer: t }, cfg).effects;
            expect(effects[0]).toEqual({ type: 'send', what: 'retransmit' });
            checked++;
          }
          st = step(st, input, cfg).state;
        }
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThan(1000);
  });

  it('server transactions (Figures 7 and 8, RFC 6026): Timer G', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.constantFrom('INVITE', 'OPTIONS'), config, fc.array(serverInput, { maxLength: 12 }), (method, cfg, inputs) => {
        let st: ServerState = startServer(method, cfg).state;
        for (const input of inputs) {
          if (st.armed.includes('G')) {
            const effects = serverStep(st, { type: 'timer', timer: 'G' }, cfg).effects;
            expect(effects[0]).toEqual({ type: 'send', what: 'retransmit' });
            checked++;
          }
          st = serverStep(st, input, cfg).state;
        }
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});
