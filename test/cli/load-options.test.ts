// `sipcall load` flags (docs/load.md): what the plan becomes, and every bad command line exits 2
// with one line naming the problem and a hint, never a stack trace, before anything is sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLoadCliPlan } from '../../src/cli/load-plan.js';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'sipcall-load-options-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Port 9 (discard) on loopback: nothing listens there, and every case below must fail before sending.
const T = 'sip:svc@127.0.0.1:9';

describe('sipcall load: flags → plan', () => {
  it('call by default: -r and --duration plan rate × duration calls at n/rate', () => {
    const p = buildLoadCliPlan(T, { rate: '500', duration: '3' }, {});
    expect(p.scenario).toBe('call');
    expect(p.schedule.total).toBe(1500);
    expect(p.schedule.timeOf(1)).toBeCloseTo(2, 9);
    expect(p.requestUri).toBe('sip:svc@127.0.0.1:9');
    expect(p.toUri).toBe('sip:svc@127.0.0.1:9');
    expect(p.fromUri).toBeUndefined();
    expect(p.holdMs).toBe(0);
    expect(p.ringTimeoutMs).toBe(60_000);
    expect(p.expires).toBe(3600);
    // No -l: twice the calls a healthy run holds, peak × (hold + 4 s) × 2 (src/load/limits.ts).
    expect(p.maxConcurrent).toBe(4000);
    expect(p.transport).toBe('udp');
    expect(p.uac.net.t1).toBe(500);
    expect(p.uac.net.t2).toBe(4000);
  });

  it('durations with units, -m as a cap, -l, --hold, --ring-timeout, --t1/--t2', () => {
    const p = buildLoadCliPlan(T, { rate: '100', duration: '2m', calls: '250', maxConcurrent: '40', hold: '1.5s', ringTimeout: '500ms', t1: '100', t2: '800' }, {});
    expect(p.schedule.total).toBe(250);
    expect(p.maxConcurrent).toBe(40);
    expect(p.holdMs).toBe(1500);
    expect(p.ringTimeoutMs).toBe(500);
    expect(p.uac.net.t1).toBe(100);
    expect(p.uac.net.t2).toBe(800);
  });

  it('the default --max-concurrent is per process: --segment 1/2 halves it; never under 1,000', () => {
    expect(buildLoadCliPlan(T, { rate: '500', duration: '3', segment: '1/2' }, {}).maxConcurrent).toBe(2000);
    expect(buildLoadCliPlan(T, { rate: '500', duration: '3', hold: '6s' }, {}).maxConcurrent).toBe(10_000);
    expect(buildLoadCliPlan(T, { rate: '10', duration: '3' }, {}).maxConcurrent).toBe(1000);
  });

  it('TCP and TLS: --transport, ;transport= or sips: (port 5061); --calls-per-connection', () => {
    const tcp = buildLoadCliPlan(T, { rate: '10', calls: '5', transport: 'tcp', callsPerConnection: '2' }, {});
    expect(tcp.transport).toBe('tcp');
    expect(tcp.callsPerConnection).toBe(2);
    expect(buildLoadCliPlan('sip:svc@127.0.0.1:9;transport=tcp', { rate: '10', calls: '5' }, {}).transport).toBe('tcp');
    const tls = buildLoadCliPlan('sips:svc@127.0.0.1', { rate: '10', calls: '5' }, {});
    expect(tls.transport).toBe('tls');
    expect(tls.uac.destination.port).toBe(5061);
    expect(tls.callsPerConnection).toBeUndefined();
  });

  it('--calls alone with --rate: the duration is calls / rate', () => {
    const p = buildLoadCliPlan(T, { rate: '10', calls: '5' }, {});
    expect(p.schedule.total).toBe(5);
    expect(p.schedule.durationMs).toBe(500);
  });

  it('--ramp from --rate; --segment takes every n-th call of the plan', () => {
    const whole = buildLoadCliPlan(T, { rate: '100', ramp: '=100/1s,0/1s' }, {});
    expect(whole.schedule.total).toBe(150);
    const a = buildLoadCliPlan(T, { rate: '100', ramp: '=100/1s,0/1s', segment: '1/2' }, {});
    const b = buildLoadCliPlan(T, { rate: '100', ramp: '=100/1s,0/1s', segment: '2/2' }, {});
    expect(a.schedule.total + b.schedule.total).toBe(150);
    expect(a.schedule.timeOf(1)).toBe(whole.schedule.timeOf(2));
    expect(b.schedule.timeOf(0)).toBe(whole.schedule.timeOf(1));
  });

  it('register: Request-URI is the AOR domain, To and From the AOR (RFC 3261 §10.2), --expires', () => {
    const p = buildLoadCliPlan('alice@127.0.0.1:5070', { scenario: 'register', rate: '10', calls: '1', expires: '60' }, {});
    expect(p.requestUri).toBe('sip:127.0.0.1:5070');
    expect(p.toUri).toBe('sip:alice@127.0.0.1:5070');
    expect(p.fromUri).toBe('sip:alice@127.0.0.1:5070');
    expect(p.expires).toBe(60);
  });

  it('--user with SIPCALL_PASSWORD: From is USER@target host and the credentials are fixed before the run', async () => {
    const p = buildLoadCliPlan('sip:bob@127.0.0.1:5070', { rate: '10', calls: '1', user: 'alice' }, { SIPCALL_PASSWORD: 's3cret' });
    expect(p.fromUri).toBe('sip:alice@127.0.0.1');
    expect(p.uac.auth?.source).toBe('SIPCALL_PASSWORD');
    expect(await p.uac.auth?.credentials('any')).toEqual({ username: 'alice', password: 's3cret' });
  });

  it('--threshold is parsed (repeatable); --csv/--hdr/--json kept', () => {
    const p = buildLoadCliPlan(T, { rate: '1', calls: '1', threshold: ['p99(setup)<50ms', 'dropped==0'], json: true, csv: 'a.csv', hdr: 'a.hlog' }, {});
    expect(p.thresholds.map((t) => t.expr)).toEqual(['p99(setup)<50ms', 'dropped==0']);
    expect(p).toMatchObject({ json: true, csv: 'a.csv', hdr: 'a.hlog' });
  });
});

/** Bad command lines: each exits 2 with exactly one line on stderr, nothing on stdout. */
const BAD: Array<[string[], RegExp]> = [
  [['load'], /missing required argument 'target'/],
  [['load', T], /the run has no end|no call rate given/],
  [['load', T, '--duration', '5'], /no call rate given/],
  [['load', T, '-r', '10'], /the run has no end; give --duration S or --calls N/],
  [['load', T, '-r', 'lots', '--duration', '1'], /--rate "lots" is not a positive number; give --rate \(-r\)/],
  [['load', T, '-r', '0', '--duration', '1'], /--rate "0" is not a positive number/],
  [['load', T, '-r', '-5', '--duration', '1'], /--rate "-5" is not a positive number/],
  [['load', T, '-r', '10', '--duration', 'soon'], /--duration "soon" is not a time; give --duration a time/],
  [['load', T, '-r', '10', '--duration', '0'], /--duration 0 ms is not a positive duration/],
  [['load', T, '-r', '10', '-m', '1.5'], /--calls "1\.5" is not a positive whole number/],
  [['load', T, '-r', '10', '-m', '0'], /--calls "0" is not a positive whole number/],
  [['load', T, '-r', '10', '--duration', '1', '-l', 'many'], /--max-concurrent "many" is not a positive whole number/],
  [['load', T, '--ramp', '1000/10s', '--duration', '5'], /--duration cannot be combined with --ramp; the ramp sets the duration/],
  [['load', T, '--ramp', '1000'], /--ramp stage '1000' is not RATE\/DURATION; write --ramp RATE\/DURATION/],
  [['load', T, '--ramp', '1000/soon'], /--ramp stage '1000\/soon' has no valid duration/],
  [['load', T, '--ramp', '100/1s,,=5/1s'], /--ramp '100\/1s,,=5\/1s' has an empty stage/],
  [['load', T, '-r', '10', '--duration', '1', '--segment', '3/2'], /--segment '3\/2' is not i\/n with 1 ≤ i ≤ n; write --segment i\/n/],
  [['load', T, '-r', '10', '--duration', '1', '--segment', 'half'], /--segment 'half' is not i\/n/],
  [['load', T, '-r', '10', '--duration', '1', '--threshold', 'p99(setup)'], /--threshold 'p99\(setup\)' has no comparison.*; e\.g\. --threshold/],
  [['load', T, '-r', '10', '--duration', '1', '--threshold', 'p99(foo)<1ms'], /unknown metric 'foo'/],
  [['load', T, '-r', '10', '--duration', '1', '--threshold', 'p99(setup)<fast'], /has a limit 'fast' that is not a time/],
  [['load', T, '-r', '10', '--duration', '1', '--threshold', 'happiness>=1'], /unknown quantity 'happiness'/],
  [['load', T, '-r', '10', '--duration', '1', '--scenario', 'subscribe'], /--scenario "subscribe" is not a load scenario; use --scenario call/],
  [['load', T, '-r', '10', '--duration', '1', '--transport', 'ws'], /^sipcall: load runs over UDP, TCP and TLS, and this run asks for WS; use --transport udp, tcp or tls/],
  [['load', 'sip:svc@127.0.0.1:9;transport=wss', '-r', '10', '--duration', '1'], /load runs over UDP, TCP and TLS, and this run asks for WSS/],
  [['load', T, '-r', '10', '--duration', '1', '--transport', 'sctp'], /--transport sctp is not supported|unknown transport/],
  [['load', T, '-r', '10', '--duration', '1', '--transport', 'tcp', '--local', '127.0.0.1:5099'], /--local applies to load runs over UDP, not TCP/],
  [['load', T, '-r', '10', '--duration', '1', '--calls-per-connection', '10'], /--calls-per-connection applies to TCP and TLS, and this run is over UDP/],
  [['load', T, '-r', '10', '--duration', '1', '-t', 'tcp', '--calls-per-connection', '0'], /--calls-per-connection "0" is not a positive whole number/],
  [['load', T, '-r', '10', '--duration', '1', '-t', 'udp', '--ca', 'ca.pem'], /--ca only applies to TLS and WSS, but this run uses UDP/],
  [['load', T, '-r', '10', '--duration', '1', '--hold', 'a while'], /--hold "a while" is not a time/],
  [['load', T, '-r', '10', '--duration', '1', '--ring-timeout', '0'], /--ring-timeout must be more than 0/],
  [['load', T, '-r', '10', '--duration', '1', '--expires', 'never'], /--expires must be a whole number/],
  [['load', T, '-r', '10', '--duration', '1', '--t1', '0'], /--t1 must be a positive number of milliseconds/],
  [['load', T, '-r', '10', '--duration', '1', '--t1', '500', '--t2', '100'], /--t2 100 is smaller than --t1 500/],
  [['load', 'svc@127.0.0.1:9', '--scenario', 'register', '-r', '10', '--duration', '1', '--user', 'bob'], /--user bob differs from the address-of-record's user/],
  [['load', T, '-r', '10', '--duration', '1', '--user', 'alice'], /--user alice is given but no password; set SIPCALL_PASSWORD, or give --password-file FILE or --ha1 HEX \(load never prompts\)/],
  [['load', T, '-r', '10', '--duration', '1', '--ha1', 'nothex'], /--ha1 must be 32 hex digits/],
  [['load', '127.0.0.1:9', '--scenario', 'register', '-r', '10', '--duration', '1'], /the address-of-record needs a user part/],
  [['load', T, '-r', '10', '--duration', '1', '--csv', join(aFile, 'x.csv')], /^sipcall: --csv .*x\.csv: cannot write it: a part of the path is not a directory \(ENOTDIR\); nothing was sent/],
  [['load', T, '-r', '10', '--duration', '1', '--hdr', dir], /^sipcall: --hdr .*: cannot write it: it is a directory \(EISDIR\); nothing was sent/],
  [['load', T, '-r', '10', '--duration', '1', '--bogus'], /unknown option '--bogus'/],
  [['load', 'merge'], /missing required argument 'files'/],
  [['load', 'merge', join(dir, 'none.json')], /load merge: .*none\.json: no such file/],
  [['load', 'merge', aFile], /a-file holds no load\.summary event; give the output of sipcall load --json/],
  [['load', 'merge', aFile, '--threshold', 'p99(setup)'], /--threshold 'p99\(setup\)' has no comparison/],
];

describe('sipcall load: bad input → exit 2, one line and a hint, nothing sent', () => {
  for (const [argv, message] of BAD) {
    it(argv.join(' '), async () => {
      const io = fakeIo();
      const code = await run(argv, io);
      expect(code, io.err.text).toBe(2);
      expect(io.err.text).toMatch(message);
      expect(io.err.text.trimEnd().split('\n')).toHaveLength(1);
      expect(io.err.text).not.toMatch(/^\s+at |internal error/m);
      expect(io.out.text).toBe('');
    });
  }

  it('a password given with --password never appears in what is printed', async () => {
    const io = fakeIo();
    const code = await run(['load', T, '-r', '10', '--duration', 'soon', '--user', 'alice', '--password', 'hunter2-secret'], io);
    expect(code).toBe(2);
    expect(io.err.text + io.out.text).not.toContain('hunter2-secret');
  });
});
