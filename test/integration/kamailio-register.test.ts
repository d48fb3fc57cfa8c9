// `sipcall register` against a real Kamailio registrar on loopback (test/kamailio): digest
// 401 → 200, wrong password → rejected after exactly one retry, unregister, unregister-all,
// query, 423 → retry with Min-Expires, and --refresh across cycles until Ctrl-C. In process
// (run(argv, fakeIo) with --json); the registrar's state is checked with --query runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { finals, headerIn, notes, ofType, resultOf, runJson, sent, startJson } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

describe.skipIf(requirePeers('kamailio').skip)('register against Kamailio', () => {
  let k: KamailioPeer;
  beforeAll(async () => {
    k = await startKamailio();
  });
  afterAll(async () => {
    await k?.stop();
  });

  /** The bindings a --query run reports (the note), as text. */
  async function query(user: string): Promise<string> {
    const q = await runJson(['register', `${user}@${k.hostPort}`, '--query'], PASSWORD);
    expect(q.code).toBe(0);
    return notes(q.events).find((n) => n.startsWith('bindings of') || n.startsWith('no bindings')) ?? '';
  }

  it('answers the 401 with digest credentials and shows the expiry granted and the bindings', async () => {
    const { code, events } = await runJson(['register', `alice@${k.hostPort}`, '--expires', '60', '-v'], PASSWORD);
    expect(code).toBe(0);
    expect(finals(events, 'REGISTER')).toEqual([401, 200]);
    const regs = sent(events, 'REGISTER');
    expect(regs).toHaveLength(2);
    // RFC 3261 §22.2 / §8.1.3.5: same Call-ID, CSeq + 1, a new branch
    expect(regs[1]!.callId).toBe(regs[0]!.callId);
    expect(regs[1]!.cseq).toBe(regs[0]!.cseq + 1);
    expect(regs[1]!.branch).not.toBe(regs[0]!.branch);
    const out = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER'));
    expect(headerIn(out[0]!.text, 'Authorization')).toBeUndefined();
    const auth = headerIn(out[1]!.text, 'Authorization') ?? '';
    expect(auth).toMatch(/^Digest username="alice", realm="127\.0\.0\.1"/);
    expect(auth).toContain('qop=auth');
    expect(auth).toContain('nc=00000001');
    // same From tag
    expect(headerIn(out[1]!.text, 'From')).toBe(headerIn(out[0]!.text, 'From'));
    // which challenge and why
    expect(notes(events).some((n) => /answering realm "127\.0\.0\.1" in Authorization as user alice.*MD5 chosen/.test(n))).toBe(true);
    const r = resultOf(events);
    expect(r.summary).toMatch(/REGISTER: 200 OK, registered for 60 s/);
    expect(notes(events).some((n) => /bindings of sip:alice@127\.0\.0\.1:\d+ \(1\): sip:alice@127\.0\.0\.1:\d+ expires in 60 s \(ours\)/.test(n))).toBe(true);

    expect(await query('alice')).toMatch(/\(1\): sip:alice@127\.0\.0\.1:\d+ expires in \d+ s/);
  });

  it('stops with "credentials rejected" after exactly one retry on a wrong password (exit 1)', async () => {
    const { code, events } = await runJson(['register', `bob@${k.hostPort}`, '--expires', '60'], { SIPCALL_PASSWORD: 'wrong' });
    expect(code).toBe(1);
    expect(sent(events, 'REGISTER')).toHaveLength(2);
    expect(finals(events, 'REGISTER')).toEqual([401, 401]);
    const r = resultOf(events);
    expect(r.outcome).toBe('failure-response');
    expect(r.status).toBe(401);
    expect(r.summary).toContain('credentials rejected for realm "127.0.0.1" (user bob, algorithm MD5)');
  });

  it('without credentials: the 401 is the outcome, with a note naming the realm and how to give them', async () => {
    const { code, events } = await runJson(['register', `bob@${k.hostPort}`]);
    expect(code).toBe(1);
    expect(sent(events, 'REGISTER')).toHaveLength(1);
    const n = notes(events).find((t) => t.includes('asked for credentials')) ?? '';
    expect(n).toContain('realm "127.0.0.1" (WWW-Authenticate, Digest MD5)');
    expect(n).toContain('SIPCALL_PASSWORD');
    expect(resultOf(events).status).toBe(401);
  });

  it('uses --auth-user and --ha1 (MD5 of user:realm:password)', async () => {
    // H(carol:127.0.0.1:wonderland), computed independently
    const { createHash } = await import('node:crypto');
    const ha1 = createHash('md5').update('carol:127.0.0.1:wonderland').digest('hex');
    const { code, events } = await runJson(['register', `carol@${k.hostPort}`, '--auth-user', 'carol', '--ha1', ha1, '--expires', '30']);
    expect(code).toBe(0);
    expect(finals(events, 'REGISTER')).toEqual([401, 200]);
  });

  it('unregisters our binding (Expires: 0), and --unregister-all removes every binding (Contact: *)', async () => {
    const a = await runJson(['register', `bob@${k.hostPort}`, '--expires', '120', '--contact', 'sip:bob@127.0.0.1:5999'], PASSWORD);
    expect(a.code).toBe(0);
    const b = await runJson(['register', `bob@${k.hostPort}`, '--expires', '120', '--contact', 'sip:bob@127.0.0.1:5998'], PASSWORD);
    expect(b.code).toBe(0);
    expect(await query('bob')).toMatch(/\(2\)/);

    const u = await runJson(['register', `bob@${k.hostPort}`, '--unregister', '--contact', 'sip:bob@127.0.0.1:5999', '-v'], PASSWORD);
    expect(u.code).toBe(0);
    const wire = ofType(u.events, 'wire').filter((w) => w.direction === 'out').at(-1)!.text;
    expect(headerIn(wire, 'Expires')).toBe('0');
    expect(headerIn(wire, 'Contact')).toBe('<sip:bob@127.0.0.1:5999>');
    expect(resultOf(u.events).summary).toContain('our binding is removed');
    const left = await query('bob');
    expect(left).toMatch(/\(1\): sip:bob@127\.0\.0\.1:5998/);

    const all = await runJson(['register', `bob@${k.hostPort}`, '--unregister-all', '-v'], PASSWORD);
    expect(all.code).toBe(0);
    const wireAll = ofType(all.events, 'wire').filter((w) => w.direction === 'out').at(-1)!.text;
    expect(headerIn(wireAll, 'Contact')).toBe('*');
    expect(headerIn(wireAll, 'Expires')).toBe('0');
    expect(resultOf(all.events).summary).toContain('all bindings removed');
    expect(await query('bob')).toMatch(/^no bindings/);
  });

  it('--query sends no Contact and lists the bindings', async () => {
    await runJson(['register', `alice@${k.hostPort}`, '--expires', '90', '--contact', 'sip:alice@127.0.0.1:5997'], PASSWORD);
    const q = await runJson(['register', `alice@${k.hostPort}`, '--query', '-v'], PASSWORD);
    expect(q.code).toBe(0);
    for (const w of ofType(q.events, 'wire').filter((x) => x.direction === 'out')) {
      expect(headerIn(w.text, 'Contact')).toBeUndefined();
      expect(headerIn(w.text, 'Expires')).toBeUndefined();
    }
    expect(resultOf(q.events).summary).toMatch(/REGISTER \(query\): 200 OK, \d+ binding\(s\)/);
    expect(notes(q.events).join('\n')).toMatch(/sip:alice@127\.0\.0\.1:5997 expires in \d+ s/);
  });

  it('423 Interval Too Brief: retries once with the Min-Expires it names, and says so', async () => {
    const { code, events } = await runJson(['register', `carol@${k.hostPort}`, '--expires', '1', '-v'], { SIPCALL_PASSWORD: 'wonderland' });
    expect(code).toBe(0);
    expect(finals(events, 'REGISTER')).toEqual([401, 423, 200]);
    const lastOut = ofType(events, 'wire').filter((w) => w.direction === 'out').at(-1)!.text;
    expect(headerIn(lastOut, 'Expires')).toBe('2');
    expect(notes(events).some((n) => n.startsWith('423 Interval Too Brief: the registrar wants at least 2 s (Min-Expires)'))).toBe(true);
    expect(resultOf(events).summary).toMatch(/registered for 2 s \(asked 2 s\)|registered for 2 s$/);
  });

  it('--refresh: re-REGISTERs before expiry (same Call-ID, CSeq counting up) until Ctrl-C, then unregisters (exit 130)', async () => {
    const cli = startJson(['register', `alice@${k.hostPort}`, '--refresh', '--expires', '2', '--contact', 'sip:alice@127.0.0.1:5996', '-v'], PASSWORD);
    // three 200s: the first registration and two refreshes
    await cli.until((ev) => finals(ev, 'REGISTER').filter((s) => s === 200).length >= 3, 20_000);
    cli.io.interrupt();
    const code = await cli.done;
    expect(code).toBe(130);
    const events = cli.events();
    const regs = sent(events, 'REGISTER');
    expect(new Set(regs.map((r) => r.callId)).size).toBe(1);
    for (let i = 1; i < regs.length; i++) expect(regs[i]!.cseq).toBe(regs[i - 1]!.cseq + 1);
    // refreshes carry the credentials pro-actively: 401 only for the first REGISTER
    expect(finals(events, 'REGISTER').filter((s) => s === 401)).toHaveLength(1);
    const outs = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER'));
    const ncs = outs.map((w) => /nc=([0-9a-f]{8})/.exec(headerIn(w.text, 'Authorization') ?? '')?.[1]).filter(Boolean);
    expect(ncs.slice(0, 3)).toEqual(['00000001', '00000002', '00000003']);
    // the last REGISTER removes our binding
    expect(headerIn(outs.at(-1)!.text, 'Expires')).toBe('0');
    expect(notes(events).filter((n) => /^registration \d+: granted 2 s; refreshing in 1\.0 s/.test(n)).length).toBeGreaterThanOrEqual(2);
    const r = resultOf(events);
    expect(r.outcome).toBe('interrupted');
    expect(r.summary).toMatch(/interrupted after \d+ registration\(s\); unREGISTER: 200 OK, our binding is removed/);
    expect(await query('alice')).not.toContain('5996');
  }, 30_000);
});
