import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/system-clock.js';
import { exitCodeFor } from '../../src/testfile/command.js';
import { Interruption, planTests, runTests, type TestResult } from '../../src/testfile/runner.js';
import { Secrets } from '../../src/testfile/secrets.js';
import type { TestFile } from '../../src/testfile/types.js';
import { exchange, load, ScriptedExecutor, type Script } from './helpers.js';

async function runFile(file: TestFile, script: Script, opts: { jobs?: number; env?: Record<string, string>; only?: string[]; interruption?: Interruption } = {}): Promise<{ results: TestResult[]; executors: ScriptedExecutor[] }> {
  const executors: ScriptedExecutor[] = [];
  const results = await runTests(planTests([file], opts.only), {
    jobs: opts.jobs ?? 1,
    env: opts.env ?? {},
    secrets: new Secrets(),
    ...(opts.interruption ? { interruption: opts.interruption } : {}),
    clock: () => new SystemClock(),
    executor: (env) => {
      const x = new ScriptedExecutor(env, script);
      executors.push(x);
      return x;
    },
  });
  return { results, executors };
}

const one = (step: string) => load(`tests:\n  - name: t\n    steps:\n${step}`);

describe('expectations', () => {
  it.each([
    ['status: 200', [[200, 'OK', 5]], true],
    ['status: 200', [[404, 'Not Found', 5]], false],
    ['status: 4xx', [[404, 'Not Found', 5]], true],
    ['status: [404, 480]', [[480, 'Temporarily Unavailable', 5]], true],
    ['status: [404, 480]', [[486, 'Busy Here', 5]], false],
    ['within: 100ms', [[200, 'OK', 99]], true],
    ['within: 100ms', [[200, 'OK', 101]], false],
    ['header: { Server: "/^Kam/" }', [[200, 'OK', 1]], true],
    ['header: { Server: "Kamailio 5" }', [[200, 'OK', 1]], true],
    ['header: { Server: "Kamailio" }', [[200, 'OK', 1]], false],
    ['header: { Allow: "/INVITE/" }', [[200, 'OK', 1]], false],
    ['body: "v=0"', [[200, 'OK', 1]], true],
    ['body: "/m=video/"', [[200, 'OK', 1]], false],
  ] as const)('%s with %j → %s', async (exp, statuses, pass) => {
    const file = one(`      - options: sip:a\n        expect: { ${exp} }\n`);
    const { results } = await runFile(file, () => ({ events: exchange('OPTIONS', statuses as unknown as Array<[number, string, number]>, { headers: 'Server: Kamailio 5\r\n', body: 'v=0\r\n' }) }));
    expect(results[0]!.status).toBe(pass ? 'passed' : 'failed');
    if (!pass) {
      expect(results[0]!.exitCode).toBe(5);
      expect(results[0]!.failures[0]!.pos.line).toBe(5);
    }
  });

  it('checks the 1xx sequence and the retransmissions of an invite', async () => {
    const file = one('      - invite: sip:a\n        expect: { provisional: [100, 180], retransmissions: 1 }\n');
    const ok = await runFile(file, () => ({ events: exchange('INVITE', [[100, 'Trying', 1], [180, 'Ringing', 2], [180, 'Ringing', 3], [200, 'OK', 4]], { retransmissions: 1 }) }));
    expect(ok.results[0]!.status).toBe('passed');
    const bad = await runFile(file, () => ({ events: exchange('INVITE', [[183, 'Session Progress', 2], [200, 'OK', 4]], { retransmissions: 2 }) }));
    expect(bad.results[0]!.failures.map((f) => [f.expected, f.actual])).toEqual([
      ['[100, 180]', '[183]'],
      ['≤ 1', '2'],
    ]);
  });

  it('checks the verdict id', async () => {
    const file = one('      - options: sip:a\n        expect: { status: 200, verdict: rport-ignored }\n');
    const { results } = await runFile(file, () => ({ events: exchange('OPTIONS', [[200, 'OK', 1]]), outcome: { verdict: { id: 'no-response', text: 'x', evidence: [], next: [] } } }));
    expect(results[0]!.failures[0]).toMatchObject({ expected: 'rport-ignored', actual: 'no-response' });
  });

  it('captures a value and uses it in a later step', async () => {
    const file = one('      - options: sip:a\n        capture: { tag: "To;tag", server: "header:Server" }\n      - options: "sip:${tag}@b"\n        headers: { X-S: "${server}" }\n');
    const { executors, results } = await runFile(file, () => ({ events: exchange('OPTIONS', [[200, 'OK', 1]], { headers: 'Server: K\r\n' }) }));
    expect(results[0]!.status).toBe('passed');
    expect(executors[0]!.ran[1]!.value).toBe('sip:tt200@b');
    expect(executors[0]!.ran[1]!.options.headers).toEqual(['X-S: K']);
  });

  it('a missing capture fails the step at the capture', async () => {
    const file = one('      - options: sip:a\n        capture: { id: "body:/id=(\\\\w+)/" }\n');
    const { results } = await runFile(file, () => ({ events: exchange('OPTIONS', [[200, 'OK', 1]]) }));
    expect(results[0]!.failures[0]!.message).toMatch(/capture id: the body does not match/);
    expect(results[0]!.failures[0]!.pos).toEqual({ line: 5, col: 24 });
  });
});

describe('running tests', () => {
  it('stops at the first failed step but always runs finally', async () => {
    const file = load('tests:\n  - name: t\n    steps:\n      - register: sip:a@b\n      - options: sip:b\n    finally:\n      - register: sip:a@b\n        expires: 0\n');
    const { results, executors } = await runFile(file, (step) => ({ events: exchange(step.kind.toUpperCase(), [[step.options.expires === 0 ? 200 : 403, 'X', 1]]) }));
    expect(executors[0]!.ran.map((s) => `${s.kind}${s.options.expires === 0 ? ' expires 0' : ''}`)).toEqual(['register', 'register expires 0']);
    expect(executors[0]!.closed).toBe(true);
    expect(results[0]!.failures).toHaveLength(1);
  });

  it('a timeout is a test that could not run (exit 3), a transport error exit 4', async () => {
    const file = one('      - options: sip:a\n');
    const t = await runFile(file, () => ({ events: exchange('OPTIONS', []), outcome: { outcome: 'timeout', status: 408, statusLocal: true } }));
    expect([t.results[0]!.status, t.results[0]!.exitCode]).toEqual(['error', 3]);
    const x = await runFile(file, () => ({ events: exchange('OPTIONS', []), outcome: { outcome: 'transport-error', status: 503, statusLocal: true } }));
    expect(x.results[0]!.exitCode).toBe(4);
    expect(exitCodeFor([...t.results, ...x.results], 2)).toBe(3);
  });

  it('repeats a test and retries until it passes', async () => {
    const rep = load('tests:\n  - name: t\n    repeat: 3\n    steps: [{ options: sip:a }]\n');
    const r = await runFile(rep, () => ({ events: exchange('OPTIONS', [[200, 'OK', 1]]) }));
    expect(r.executors).toHaveLength(3);
    const retry = load('tests:\n  - name: t\n    steps:\n      - options: sip:a\n        retry: { every: 10ms, for: 1s }\n');
    let n = 0;
    const ready = await runFile(retry, () => ({ events: exchange('OPTIONS', [[++n < 3 ? 503 : 200, 'X', 1]]) }));
    expect([ready.results[0]!.status, n]).toEqual(['passed', 3]);
    n = 0;
    const never = load('tests:\n  - name: t\n    steps:\n      - options: sip:a\n        retry: { every: 20ms, for: 100ms }\n');
    const gaveUp = await runFile(never, () => ({ events: exchange('OPTIONS', [[503, 'X', ++n]]) }));
    expect(gaveUp.results[0]!.status).toBe('failed');
    expect(n).toBeGreaterThanOrEqual(4);
    expect(n).toBeLessThanOrEqual(7);
  });

  it('runs --jobs tests at once and returns them in file order; --only picks by name', async () => {
    const file = load(`tests:\n${[1, 2, 3, 4].map((i) => `  - name: t${i}\n    steps: [{ wait: ${50 - i * 10}ms }, { options: "sip:${i}" }]\n`).join('')}`);
    let running = 0;
    let most = 0;
    const script: Script = (step) => {
      if (step.kind === 'wait') {
        most = Math.max(most, ++running);
        return { events: [], method: undefined as unknown as string, outcome: { outcome: 'success' } };
      }
      running--;
      return { events: exchange('OPTIONS', [[200, 'OK', 1]]) };
    };
    const { results } = await runFile(file, (s, n) => {
      const r = script(s, n);
      if (s.kind === 'wait') return { ...r, method: undefined };
      return r;
    }, { jobs: 4 });
    expect(results.map((r) => r.test.name)).toEqual(['t1', 't2', 't3', 't4']);
    const only = await runFile(file, () => ({ events: exchange('OPTIONS', [[200, 'OK', 1]]) }), { only: ['t3'] });
    expect(only.results.map((r) => r.test.name)).toEqual(['t3']);
  });

  it('never exits 0 when a planned test did not run', () => {
    expect(exitCodeFor([], 1)).not.toBe(0);
  });
});

describe('Ctrl-C', () => {
  const file = load('tests:\n  - name: t1\n    steps:\n      - invite: sip:a\n      - options: sip:b\n    finally:\n      - register: sip:a@b\n        expires: 0\n  - name: t2\n    steps: [{ options: sip:c }]\n');

  it('ends the test as interrupted (130): no later step, the finally steps run, no later test', async () => {
    const ctrlC = new Interruption();
    const { results, executors } = await runFile(
      file,
      (step) => {
        if (step.kind === 'invite') {
          ctrlC.trigger(); // Ctrl-C while the INVITE rings: the engine CANCELs and says interrupted
          return { events: exchange('INVITE', [[180, 'Ringing', 1], [487, 'Request Terminated', 5]]), outcome: { outcome: 'interrupted', summary: 'interrupted: CANCEL sent, 487' } };
        }
        return { events: exchange(step.kind.toUpperCase(), [[200, 'OK', 1]]) };
      },
      { interruption: ctrlC },
    );
    expect(executors).toHaveLength(1);
    expect(executors[0]!.ran.map((s) => s.kind)).toEqual(['invite', 'register']);
    expect(executors[0]!.closed).toBe(true);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'error', exitCode: 130 });
    expect(results[0]!.failures.map((f) => [f.step, f.message])).toEqual([[1, 'interrupted (Ctrl-C): interrupted: CANCEL sent, 487']]);
    expect(exitCodeFor(results, 2)).toBe(130);
    expect(exitCodeFor(results, 2, true)).toBe(130);
  });

  it('a step that ends normally after Ctrl-C still counts as interrupted; a retry does not start again', async () => {
    const retrying = load('tests:\n  - name: t\n    steps:\n      - options: sip:a\n        retry: { every: 10s, for: 60s }\n');
    const ctrlC = new Interruption();
    const started = Date.now();
    const { results, executors } = await runFile(retrying, () => {
      ctrlC.trigger();
      return { events: exchange('OPTIONS', [[503, 'X', 1]]) };
    }, { interruption: ctrlC });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(executors[0]!.ran).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'error', exitCode: 130 });
  });
});
