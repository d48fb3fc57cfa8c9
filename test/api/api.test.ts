// The library API (src/api/) against sipcall's own UAS (src/engine/uas.ts) and small loopback
// peers: results, events (callback and iterator), AbortSignal, typed errors, secrets.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { call, headerValues, options, register, request, UsageError } from '../../src/api/index.js';
import { SystemClock } from '../../src/clock/system-clock.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import type { SipEvent } from '../../src/events/types.js';
import { parseMessage } from '../../src/sip/parse.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** sipcall's own UAS on a free loopback UDP port: 100, 180, then `respond` after `ringMs`. */
async function uas(respond = 200, ringMs = 50): Promise<string> {
  const a = new AutoAnswer(
    { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond, ringMs, t1: 500, t2: 4000, userAgent: 'api-test-uas' },
    { clock: new SystemClock(), sink: () => {} },
  );
  const local = await a.start();
  cleanup.push(() => a.close());
  return `127.0.0.1:${local.port}`;
}

/** A UDP socket that receives and never answers. */
async function silentPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.on('message', () => {});
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return s.address().port;
}

const PASSWORD = 'pw-Zq8-never-shown';

/**
 * A registrar that challenges (RFC 3261 §22.2): a REGISTER without Authorization gets 401 with a
 * Digest challenge, one with it 200 listing our Contact. It keeps the texts it received.
 */
async function challengingRegistrar(): Promise<{ hostPort: string; received: string[] }> {
  const s = dgram.createSocket('udp4');
  const received: string[] = [];
  s.on('message', (buf, rinfo) => {
    const text = buf.toString('utf8');
    received.push(text);
    const parsed = parseMessage(buf);
    if (!parsed.ok || parsed.message.kind !== 'request') return;
    const h = parsed.message.headers;
    const copy = ['Via', 'From', 'Call-ID', 'CSeq'].flatMap((n) => h.getAll(n).map((v) => `${n}: ${v}`));
    const authorized = h.has('Authorization');
    const lines = authorized
      ? ['SIP/2.0 200 OK', ...copy, `To: ${h.get('To')};tag=reg1`, `Contact: ${h.get('Contact')};expires=60`, 'Content-Length: 0']
      : ['SIP/2.0 401 Unauthorized', ...copy, `To: ${h.get('To')};tag=reg1`, 'WWW-Authenticate: Digest realm="api.test", nonce="abc123", algorithm=MD5, qop="auth"', 'Content-Length: 0'];
    s.send(`${lines.join('\r\n')}\r\n\r\n`, rinfo.port, rinfo.address);
  });
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return { hostPort: `127.0.0.1:${s.address().port}`, received };
}

describe('options()', () => {
  it('pings sipcall’s UAS: 200 from the wire, capabilities, final headers, timings, the same events by callback and iterator', async () => {
    const peer = await uas();
    const seen: SipEvent[] = [];
    const run = options(`sip:${peer}`, { onEvent: (e) => seen.push(e), headers: { 'X-Probe': 'api' } });
    const iterated: SipEvent[] = [];
    for await (const e of run.events) iterated.push(e);
    const r = await run;
    expect(r).toMatchObject({ method: 'OPTIONS', uri: `sip:${peer}`, outcome: 'success', ok: true, exitCode: 0, status: 200, local: false });
    expect(r.capabilities.allow).toContain('INVITE');
    expect(r.final?.status).toBe(200);
    expect(headerValues(r.final, 'call-id')).toEqual([r.ids.callId]);
    expect(r.ids.toTag).toBeTruthy();
    expect(r.timings.finalMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.finalMs!).toBeLessThanOrEqual(r.timings.totalMs);
    expect(r.provisionals).toEqual([]);
    expect(r.verdicts).toEqual([]);
    expect(iterated.map((e) => e.type)).toEqual(seen.map((e) => e.type));
    expect(seen.at(-1)).toMatchObject({ type: 'result', outcome: 'success', status: 200, exitCode: 0 });
    const sent = seen.find((e) => e.type === 'wire' && e.direction === 'out');
    expect(sent && sent.type === 'wire' ? sent.text : '').toMatch(/\r\nX-Probe: api\r\n/);
  });

  it('no answer: a local 408 at Timer F (64·T1), outcome timeout, exit code 3, verdict no-response, retransmissions counted', async () => {
    const port = await silentPort();
    const r = await options(`127.0.0.1:${port}`, { timers: { t1: 20, t2: 80 } });
    expect(r).toMatchObject({ outcome: 'timeout', ok: false, status: 408, local: true, exitCode: 3 });
    expect(r.final).toBeUndefined();
    expect(r.timings.finalMs).toBeUndefined();
    expect(r.verdict?.id).toBe('no-response');
    expect(r.retransmissions.requests).toBeGreaterThan(3);
    expect(r.retransmissions.byMethod.OPTIONS).toBe(r.retransmissions.requests);
  });

  it('expect: a 200 that was not wanted is expectation-failed (exit 5)', async () => {
    const peer = await uas();
    const r = await options(peer, { expect: '4xx' });
    expect(r).toMatchObject({ status: 200, outcome: 'expectation-failed', ok: false, exitCode: 5 });
  });

  it('aborting a pending non-INVITE ends it as interrupted, without waiting for Timer F', async () => {
    const port = await silentPort();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const started = Date.now();
    const r = await options(`127.0.0.1:${port}`, { signal: ac.signal });
    expect(r.outcome).toBe('interrupted');
    expect(r.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('an aborted signal rejects before anything is sent', async () => {
    const ac = new AbortController();
    ac.abort();
    const seen: SipEvent[] = [];
    await expect(options('127.0.0.1:9', { signal: ac.signal, onEvent: (e) => seen.push(e) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([]);
  });

  it('bad input is a typed UsageError naming the problem, and nothing is sent', async () => {
    const seen: SipEvent[] = [];
    const bad = options('http://example.com', { onEvent: (e) => seen.push(e) });
    await expect(bad).rejects.toBeInstanceOf(UsageError);
    await expect(bad).rejects.toThrow(/scheme http:/);
    await expect(options('127.0.0.1', { timers: { t1: 1000, t2: 10 } })).rejects.toThrow(/--t2 10 is smaller than --t1 1000/);
    await expect(options('127.0.0.1', { headers: ['X-Bad: a\r\nInjected: b'] })).rejects.toBeInstanceOf(UsageError);
    await expect(options(42 as unknown as string)).rejects.toThrow(/target must be a string/);
    expect(seen).toEqual([]);
  });
});

describe('call()', () => {
  it('INVITE, 100, 180, 200, ACK, BYE without media: dialog ids, provisional sequence, the SDP answer', async () => {
    const peer = await uas(200, 100);
    const events: SipEvent[] = [];
    const r = await call(`sip:bob@${peer}`, { media: false, duration: 0.2, onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ method: 'INVITE', outcome: 'success', status: 200, local: false, exitCode: 0 });
    expect(r.provisionals.map((p) => p.status)).toEqual([100, 180]);
    expect(r.timings.firstProvisionalMs!).toBeLessThanOrEqual(r.timings.finalMs!);
    expect(r.timings.finalMs!).toBeGreaterThanOrEqual(90); // the UAS rings 100 ms
    expect(r.dialog).toMatchObject({ callId: r.ids.callId, localTag: r.ids.fromTag, remoteTag: r.ids.toTag });
    expect(r.final?.body).toMatch(/^v=0/);
    expect(headerValues(r.final, 'Content-Type')).toEqual(['application/sdp']);
    expect(r.media).toBeUndefined();
    const sent = events.filter((e) => e.type === 'request.sent').map((e) => (e.type === 'request.sent' ? e.method : ''));
    expect(sent).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('with media: the result carries the media figures', async () => {
    const a = new AutoAnswer(
      { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 0, t1: 500, t2: 4000, userAgent: 'api-test-uas', media: { play: { kind: 'tone', freqsHz: [440], dbfs: -20 }, dtmfMode: 'auto', timeoutS: 2, checkEcho: false, lateOffer: false } },
      { clock: new SystemClock(), sink: () => {} },
    );
    const local = await a.start();
    cleanup.push(() => a.close());
    const r = await call(`sip:media@127.0.0.1:${local.port}`, { duration: 1.2, media: { play: 'tone:1000', expectTone: 440 } });
    expect(r.outcome).toBe('success');
    expect(r.media?.codec).toMatch(/PCMU|PCMA/);
    expect(r.media?.received.packets).toBeGreaterThan(20);
    expect(r.media?.sent.packets).toBeGreaterThan(20);
  });

  it('a busy callee: 486 from the wire, exit code 1', async () => {
    const peer = await uas(486, 0);
    const r = await call(peer, { media: false });
    expect(r).toMatchObject({ outcome: 'failure-response', status: 486, local: false, exitCode: 1 });
    expect(r.final?.reason).toBe('Busy Here');
    expect(r.dialog).toBeUndefined();
  });

  it('the signal CANCELs a ringing call (RFC 3261 §9.1): 487, interrupted', async () => {
    const peer = await uas(200, 10_000);
    const ac = new AbortController();
    const events: SipEvent[] = [];
    const r = await call(peer, {
      media: false,
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'response.received' && e.status === 180) ac.abort();
      },
    });
    expect(r).toMatchObject({ outcome: 'interrupted', status: 487, exitCode: 130 });
    expect(events.some((e) => e.type === 'request.sent' && e.method === 'CANCEL')).toBe(true);
  });

  it('duration Infinity holds the call until the signal, which sends BYE', async () => {
    const peer = await uas(200, 0);
    const ac = new AbortController();
    const run = call(peer, { media: false, duration: Infinity, signal: ac.signal });
    const methods: string[] = [];
    for await (const e of run.events) {
      if (e.type === 'request.sent') methods.push(e.method);
      if (e.type === 'dialog.established') setTimeout(() => ac.abort(), 100);
    }
    const r = await run;
    expect(methods).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(r).toMatchObject({ outcome: 'interrupted', status: 200 });
    expect(r.dialog?.callId).toBe(r.ids.callId);
  });
});

describe('request() and register()', () => {
  it('MESSAGE with a body: 200', async () => {
    const peer = await uas();
    const events: SipEvent[] = [];
    const r = await request('message', peer, { body: 'hello from the API', onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ method: 'MESSAGE', outcome: 'success', status: 200 });
    const out = events.find((e) => e.type === 'wire' && e.direction === 'out');
    expect(out && out.type === 'wire' ? out.text : '').toMatch(/Content-Type: text\/plain\r\n[\s\S]*\r\n\r\nhello from the API$/);
  });

  it('request() refuses INVITE and ACK with a UsageError', async () => {
    await expect(request('INVITE', '127.0.0.1')).rejects.toBeInstanceOf(UsageError);
    await expect(request('ACK', '127.0.0.1')).rejects.toThrow(/cannot be sent on its own/);
  });

  it('REGISTER answers a 401 with the password, lists the binding, and the password is in no result or event', async () => {
    const registrar = await challengingRegistrar();
    const events: SipEvent[] = [];
    const r = await register(`sip:alice@${registrar.hostPort}`, { expires: 60, auth: { user: 'alice', password: PASSWORD }, onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ method: 'REGISTER', outcome: 'success', status: 200 });
    expect(r.bindings).toHaveLength(1);
    expect(r.bindings[0]!.expires).toBe(60);
    expect(registrar.received).toHaveLength(2);
    expect(registrar.received[1]).toMatch(/Authorization: Digest username="alice"/);
    expect(JSON.stringify(r)).not.toContain(PASSWORD);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    expect(registrar.received.join('')).not.toContain(PASSWORD);
  });

  it('expires: 0 removes the binding (Expires: 0)', async () => {
    const registrar = await challengingRegistrar();
    const r = await register(`sip:alice@${registrar.hostPort}`, { expires: 0, auth: { user: 'alice', ha1: '0123456789abcdef0123456789abcdef' } });
    expect(r.status).toBe(200);
    expect(registrar.received[0]).toMatch(/\r\nExpires: 0\r\n/);
  });

  it('a bad secret is refused without echoing it', async () => {
    const err = await register('sip:alice@127.0.0.1', { auth: { user: 'alice', ha1: 'not-hex-secret' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(String((err as Error).message)).not.toContain('not-hex-secret');
    await expect(register('sip:alice@127.0.0.1', { auth: { user: 'alice', password: 'a', ha1: '0123456789abcdef0123456789abcdef' } })).rejects.toThrow(/not both/);
  });
});
