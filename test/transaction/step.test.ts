/** The pure machines, input by input: the edges of RFC 3261 Figures 5 and 6 and RFC 6026. */
import { describe, expect, it } from 'vitest';
import { start, step } from '../../src/transaction/step.js';
import { timerConfig } from '../../src/transaction/timer-config.js';
import type { ClientEffect, ClientInput, ClientState, Step } from '../../src/transaction/types.js';

const UDP = timerConfig();
const TCP = timerConfig({ reliable: true });

const res = (status: number): ClientInput => ({ type: 'response', status });
const timer = (t: 'A' | 'B' | 'D' | 'E' | 'F' | 'K' | 'M'): ClientInput => ({ type: 'timer', timer: t });
const transportError: ClientInput = { type: 'transport-error' };

/** Runs inputs from the start; returns every step. */
function run(method: string, inputs: ClientInput[], config = UDP): Step[] {
  const steps: Step[] = [start(method, config)];
  for (const i of inputs) steps.push(step(steps[steps.length - 1].state, i, config));
  return steps;
}
const last = (steps: Step[]): Step => steps[steps.length - 1];
const fx = (effects: readonly ClientEffect[]): string[] =>
  effects.map((e) => {
    switch (e.type) {
      case 'transition':
        return `${e.from}>${e.to}`;
      case 'send':
        return `send ${e.what}`;
      case 'start-timer':
        return `start ${e.timer} ${e.ms}`;
      case 'stop-timer':
        return `stop ${e.timer}`;
      case 'pass-up':
        return 'pass-up';
      case 'drop':
        return 'drop';
      case 'terminate':
        return `terminate ${e.outcome} ${e.status ?? '-'}${e.local ? ' local' : ''}`;
    }
  });

describe('INVITE client transaction (Figure 5 + RFC 6026)', () => {
  it('start: Calling, send, Timer A = T1 and B = 64·T1 on UDP', () => {
    const s = start('INVITE', UDP);
    expect(s.state.name).toBe('Calling');
    expect(fx(s.effects)).toEqual(['Initial>Calling', 'send initial', 'start A 500', 'start B 32000']);
    expect(s.state.armed).toEqual(['A', 'B']);
  });

  it('start on TCP: no Timer A', () => {
    expect(fx(start('INVITE', TCP).effects)).toEqual(['Initial>Calling', 'send initial', 'start B 32000']);
  });

  it('Calling + 1xx: stop A and B (B only acts in Calling), Proceeding, pass up', () => {
    const s = last(run('INVITE', [res(180)]));
    expect(fx(s.effects)).toEqual(['stop A', 'stop B', 'Calling>Proceeding', 'pass-up']);
    expect(s.state.armed).toEqual([]);
  });

  it('Proceeding: further 1xx passed up; a Timer B input is stale and ignored', () => {
    const steps = run('INVITE', [res(100), res(183), timer('B'), timer('A')]);
    expect(fx(steps[2].effects)).toEqual(['pass-up']);
    expect(steps[3].effects).toEqual([]);
    expect(steps[4].effects).toEqual([]);
    expect(last(steps).state.name).toBe('Proceeding');
  });

  it('Calling + 2xx: Accepted, pass up, Timer M; no ACK', () => {
    const s = last(run('INVITE', [res(200)]));
    expect(fx(s.effects)).toEqual(['stop A', 'stop B', 'Calling>Accepted', 'pass-up', 'start M 32000']);
  });

  it('Accepted: every 2xx passed up, non-2xx dropped, Timer M ends it', () => {
    const steps = run('INVITE', [res(200), res(200), res(202), res(180), res(486), transportError, timer('M')]);
    expect(fx(steps[2].effects)).toEqual(['pass-up']);
    expect(fx(steps[3].effects)).toEqual(['pass-up']);
    expect(fx(steps[4].effects)).toEqual(['drop']);
    expect(fx(steps[5].effects)).toEqual(['drop']);
    expect(steps[6].effects).toEqual([]);
    expect(fx(steps[7].effects)).toEqual(['Accepted>Terminated', 'terminate final 200']);
  });

  it('Proceeding + 486: Completed, pass up, ACK, Timer D', () => {
    const s = last(run('INVITE', [res(180), res(486)]));
    expect(fx(s.effects)).toEqual(['Proceeding>Completed', 'pass-up', 'send ack', 'start D 32000']);
    expect(s.state.final).toBe(486);
  });

  it('Completed: a re-sent final re-sends the ACK and is not passed up; 1xx/2xx dropped; D ends it', () => {
    const steps = run('INVITE', [res(486), res(486), res(180), res(200), timer('D')]);
    expect(fx(steps[2].effects)).toEqual(['send ack', 'drop']);
    expect(fx(steps[3].effects)).toEqual(['drop']);
    expect(fx(steps[4].effects)).toEqual(['drop']);
    expect(fx(steps[5].effects)).toEqual(['Completed>Terminated', 'terminate final 486']);
  });

  it('TCP: 486 leads through Completed to Terminated at once (D = 0), ACK still sent', () => {
    const s = last(run('INVITE', [res(486)], TCP));
    expect(fx(s.effects)).toEqual([
      'stop B',
      'Calling>Completed',
      'pass-up',
      'send ack',
      'Completed>Terminated',
      'terminate final 486',
    ]);
    expect(s.state.armed).toEqual([]);
  });

  it('Timer A: retransmit and double; Timer B in Calling: timeout, a local 408', () => {
    const steps = run('INVITE', [timer('A'), timer('A'), timer('B')]);
    expect(fx(steps[1].effects)).toEqual(['send retransmit', 'start A 1000']);
    expect(fx(steps[2].effects)).toEqual(['send retransmit', 'start A 2000']);
    expect(fx(steps[3].effects)).toEqual(['stop A', 'Calling>Terminated', 'terminate timeout 408 local']);
    expect(last(steps).state.sends).toBe(3);
  });

  it.each([
    ['Calling', []],
    ['Proceeding', [res(180)]],
    ['Completed', [res(486)]],
  ] as const)('transport error in %s: Terminated, a local 503', (_name, before) => {
    const s = last(run('INVITE', [...before, transportError]));
    expect(fx(s.effects).slice(-2)).toEqual([`${_name}>Terminated`, 'terminate transport-error 503 local']);
    expect(s.state.armed).toEqual([]);
  });

  it('Terminated ignores everything', () => {
    const steps = run('INVITE', [timer('B'), res(200), timer('A'), transportError]);
    for (const s of steps.slice(2)) expect(s.effects).toEqual([]);
  });
});

describe('non-INVITE client transaction (Figure 6)', () => {
  it('start: Trying, send, E = T1 and F = 64·T1 on UDP; no E on TCP', () => {
    expect(fx(start('OPTIONS', UDP).effects)).toEqual(['Initial>Trying', 'send initial', 'start E 500', 'start F 32000']);
    expect(fx(start('REGISTER', TCP).effects)).toEqual(['Initial>Trying', 'send initial', 'start F 32000']);
  });

  it('Trying + Timer E: retransmit, MIN(2·interval, T2)', () => {
    const steps = run('OPTIONS', [timer('E'), timer('E'), timer('E'), timer('E'), timer('E')]);
    expect(steps.slice(1).map((s) => fx(s.effects)[1])).toEqual(['start E 1000', 'start E 2000', 'start E 4000', 'start E 4000', 'start E 4000']);
  });

  it('Trying + 1xx: pass up, Proceeding, E stays armed', () => {
    const s = last(run('OPTIONS', [res(100)]));
    expect(fx(s.effects)).toEqual(['pass-up', 'Trying>Proceeding']);
    expect(s.state.armed).toEqual(['E', 'F']);
  });

  it('Proceeding + Timer E: retransmit, reset to T2', () => {
    const s = last(run('OPTIONS', [res(100), timer('E')]));
    expect(fx(s.effects)).toEqual(['send retransmit', 'start E 4000']);
  });

  it('final in Trying or Proceeding: stop E and F, pass up, Completed, K = T4', () => {
    expect(fx(last(run('OPTIONS', [res(404)])).effects)).toEqual(['stop E', 'stop F', 'pass-up', 'Trying>Completed', 'start K 5000']);
    expect(fx(last(run('OPTIONS', [res(100), res(200)])).effects)).toEqual([
      'stop E',
      'stop F',
      'pass-up',
      'Proceeding>Completed',
      'start K 5000',
    ]);
  });

  it('Completed absorbs responses and transport errors; K ends it with the final status', () => {
    const steps = run('OPTIONS', [res(200), res(200), res(404), transportError, timer('K')]);
    expect(fx(steps[2].effects)).toEqual(['drop']);
    expect(fx(steps[3].effects)).toEqual(['drop']);
    expect(steps[4].effects).toEqual([]);
    expect(fx(steps[5].effects)).toEqual(['Completed>Terminated', 'terminate final 200']);
  });

  it('Timer F in Trying and in Proceeding: timeout, local 408, E stopped', () => {
    expect(fx(last(run('OPTIONS', [timer('F')])).effects)).toEqual(['stop E', 'Trying>Terminated', 'terminate timeout 408 local']);
    expect(fx(last(run('OPTIONS', [res(180), timer('F')])).effects)).toEqual([
      'stop E',
      'Proceeding>Terminated',
      'terminate timeout 408 local',
    ]);
  });

  it('transport error in Trying or Proceeding: local 503', () => {
    expect(fx(last(run('OPTIONS', [transportError])).effects)).toEqual([
      'stop E',
      'stop F',
      'Trying>Terminated',
      'terminate transport-error 503 local',
    ]);
    expect(fx(last(run('BYE', [res(100), transportError], TCP)).effects)).toEqual([
      'stop F',
      'Proceeding>Terminated',
      'terminate transport-error 503 local',
    ]);
  });
});

describe('state is immutable', () => {
  it('step does not change the state it was given', () => {
    const s0: ClientState = start('INVITE', UDP).state;
    const copy = JSON.parse(JSON.stringify(s0));
    step(s0, res(486), UDP);
    expect(s0).toEqual(copy);
  });
});
