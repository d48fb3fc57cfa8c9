// Issue 14 §6, timer overflow: a delay over 2^31 − 1 ms made Node's setTimeout fire after 1 ms,
// so a registrar granting expires=3000000 made `register --refresh` send ~450 REGISTERs a
// second; and huge --duration / --ring-timeout values ended the call at once. The clock chains
// long waits (src/clock/long-timeout.ts) and the flags are bounded (src/engine/flags/values.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a registrar that grants expires=3000000 (3·10⁹ ms, over 2^31 − 1)', () => {
  it('register --refresh sends one REGISTER and schedules the refresh in ~3·10⁶ s, not every millisecond', async () => {
    peer = await startHostilePeer((req) => {
      if (req.method !== 'REGISTER') return reply(req, 200, 'OK');
      const expires = req.get('Expires');
      const contact = req.get('Contact') ?? '<sip:x@127.0.0.1>';
      const granted = expires === '0' ? '0' : '3000000';
      return reply(req, 200, 'OK', { headers: [`Contact: ${contact};expires=${granted}`, `Expires: ${granted}`] });
    });
    const io = fakeIo();
    const done = run(['register', 'alice@127.0.0.1', '--registrar', `127.0.0.1:${peer.port}`, '--refresh', '--json', '--no-input'], io);
    await sleep(1500);
    const during = peer.requests('REGISTER').length;
    io.interrupt(); // Ctrl-C: un-REGISTER and quit
    const code = await done;
    expect(during).toBe(1);
    const registers = peer.requests('REGISTER');
    expect(registers).toHaveLength(2);
    expect(registers[1]!.get('Expires')).toBe('0');
    expect(code).toBe(130);
    const events = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: string; timeoutMs?: number });
    const waiting = events.find((e) => e.type === 'waiting' && e.timeoutMs !== undefined);
    // Half of 3·10⁶ s is less than 3·10⁶ s minus one Timer F: refresh 32 s before expiry.
    expect(waiting?.timeoutMs).toBe(3_000_000_000 - 32_000);
  }, 15_000);
});

describe('bounded wait flags: a clear one-line usage error, exit 2', () => {
  const cases: Array<[string[], RegExp]> = [
    [['invite', 'bob@127.0.0.1', '--duration', '3000000'], /^sipcall: --duration 3000000 is too long; use at most 2147483 s \(about 24\.8 days\)\n$/],
    [['invite', 'bob@127.0.0.1', '--ring-timeout', '99999999999'], /^sipcall: --ring-timeout 99999999999 is too long; use at most 2147483 s/],
    [['invite', 'bob@127.0.0.1', '--hold-after', '1e9'], /^sipcall: --hold-after must be a positive number of seconds/],
    [['invite', 'bob@127.0.0.1', '--hold-after', '5000000'], /^sipcall: --hold-after 5000000 is too long/],
    [['options', 'bob@127.0.0.1', '--t1', '3600001'], /^sipcall: --t1 3600001 is too large; use at most 3600000 ms\n$/],
    [['options', 'bob@127.0.0.1', '--t2', '4000000000'], /^sipcall: --t2 4000000000 is too large/],
    [['options', 'bob@127.0.0.1', '--t4', '4000000000'], /^sipcall: --t4 4000000000 is too large/],
    [['answer', '--duration', '3000000'], /^sipcall: --duration 3000000 is too long/],
    [['answer', '--t1', '9999999'], /^sipcall: --t1 9999999 is too large/],
    [['register', 'alice@127.0.0.1', '--listen', '--keepalive', '3000000'], /^sipcall: --keepalive 3000000 is too long/],
  ];
  for (const [argv, message] of cases) {
    it(argv.slice(1).join(' '), async () => {
      const io = fakeIo();
      expect(await run([...argv, '--no-input'], io)).toBe(2);
      expect(io.err.text).toMatch(message);
      expect(io.err.text.trim().split('\n')).toHaveLength(1);
    });
  }

  it('the largest accepted values pass the check', async () => {
    const { parseSeconds, parsePositiveMs, MAX_WAIT_S, MAX_TIMER_BASE_MS } = await import('../../src/cli/parse-values.js');
    expect(parseSeconds(String(MAX_WAIT_S), '--duration')).toBe(2_147_483);
    expect(() => parseSeconds(String(MAX_WAIT_S + 1), '--duration')).toThrow(/too long/);
    expect(parsePositiveMs(String(MAX_TIMER_BASE_MS), '--t1')).toBe(3_600_000);
  });
});
