// `answer` on server transactions against raw datagrams on loopback (issue 11, "The UAS must
// hold up"): a malformed request gets a 400 that names the problem (RFC 3261 §8.2, §21.4.1);
// an unknown Require a 420 with Unsupported (§8.2.2.3); an unknown Content-Encoding or body
// type a 415 with Accept-Encoding or Accept (§8.2.3); two branchless INVITEs of RFC 2543 peers
// are two transactions (§17.2.3), never one; a re-sent BYE gets the same 200 (§17.2.2).
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/system-clock.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import type { SipEvent } from '../../src/events/types.js';

interface Rig {
  uas: AutoAnswer;
  sock: dgram.Socket;
  port: number;
  got: string[];
  events: SipEvent[];
  send(text: string): void;
  /** Waits until `n` datagrams came back. */
  until(n: number): Promise<void>;
}

async function rig(respond = 200): Promise<Rig> {
  const events: SipEvent[] = [];
  const uas = new AutoAnswer(
    { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond, ringMs: 10, t1: 50, t2: 100, userAgent: 'hardening-test' },
    { clock: new SystemClock(), sink: (e) => events.push(e) },
  );
  const local = await uas.start();
  const sock = dgram.createSocket('udp4');
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('utf8')));
  return {
    uas,
    sock,
    port: sock.address().port,
    got,
    events,
    send: (text) => sock.send(Buffer.from(text.replace(/\n/g, '\r\n')), local.port, '127.0.0.1'),
    async until(n) {
      const deadline = Date.now() + 3000;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${got.length} of ${n} datagrams:\n${got.join('\n---\n')}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

const head = (port: number, method: string, o: { branch?: string | null; callId?: string; cseq?: number; extra?: string; toTag?: string } = {}) =>
  [
    `${method} sip:answer@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port}${o.branch === null ? '' : `;branch=${o.branch ?? 'z9hG4bKhard1'}`}`,
    'Max-Forwards: 70',
    'From: <sip:a@127.0.0.1>;tag=hf1',
    `To: <sip:answer@127.0.0.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId ?? 'hardening-1'}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    ...(o.extra ? [o.extra] : []),
  ].join('\n');

const statusLine = (t: string) => t.split('\r\n')[0];
const header = (t: string, name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(t)?.[1];

describe('answer holds up: malformed and unsupported requests get the RFC answer', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(async () => {
    await r.uas.close();
    r.sock.close();
  });

  it('a request with a malformed CSeq gets 400 whose reason names the problem (§21.4.1), not silence', async () => {
    r.send(`${head(r.port, 'OPTIONS').replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS')}\nContent-Length: 0\n\n`);
    await r.until(1);
    expect(statusLine(r.got[0]!)).toMatch(/^SIP\/2\.0 400 Bad Request \(.*CSeq.*\)$/i);
    expect(header(r.got[0]!, 'Call-ID')).toBe('hardening-1');
    expect(r.events.some((e) => e.type === 'message.invalid')).toBe(true);
  });

  it('OPTIONS is answered statelessly (RFC 3261 §8.2.7): no transaction kept, a re-sent copy gets the same bytes (same To tag)', async () => {
    const opt = `${head(r.port, 'OPTIONS', { callId: 'stateless-1' })}\nContent-Length: 0\n\n`;
    r.send(opt);
    await r.until(1);
    expect(r.uas.liveTransactions).toBe(0);
    r.send(opt);
    await r.until(2);
    expect(r.got[1]).toBe(r.got[0]);
    expect(statusLine(r.got[0]!)).toBe('SIP/2.0 200 OK');
    expect(header(r.got[0]!, 'To')).toMatch(/;tag=[0-9a-f]{16}$/);
    // another OPTIONS (another Call-ID) gets another tag
    r.send(`${head(r.port, 'OPTIONS', { callId: 'stateless-2' })}\nContent-Length: 0\n\n`);
    await r.until(3);
    expect(header(r.got[2]!, 'To')).not.toBe(header(r.got[0]!, 'To'));
  });

  it('a malformed ACK is never answered (RFC 3261 §17.1.1.3: no response to an ACK)', async () => {
    r.send(`${head(r.port, 'ACK').replace('CSeq: 1 ACK', 'CSeq: x ACK')}\nContent-Length: 0\n\n`);
    r.send(`${head(r.port, 'OPTIONS', { callId: 'after-ack' })}\nContent-Length: 0\n\n`);
    await r.until(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.got.map(statusLine)).toEqual(['SIP/2.0 200 OK']);
  });

  it('Require: an unknown extension gets 420 Bad Extension with Unsupported listing it (§8.2.2.3)', async () => {
    r.send(`${head(r.port, 'OPTIONS', { extra: 'Require: foo, bar' })}\nContent-Length: 0\n\n`);
    await r.until(1);
    expect(statusLine(r.got[0]!)).toBe('SIP/2.0 420 Bad Extension');
    expect(header(r.got[0]!, 'Unsupported')).toBe('foo, bar');
  });

  it('an unknown Content-Encoding gets 415 with Accept-Encoding: identity (§8.2.3)', async () => {
    r.send(`${head(r.port, 'INVITE', { extra: 'Content-Type: application/sdp\nContent-Encoding: gzip' })}\nContent-Length: 4\n\nabcd`);
    await r.until(2); // 100 Trying (the transaction's, §17.2.1), then the 415
    expect(r.got.map(statusLine)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 415 Unsupported Media Type']);
    expect(header(r.got[1]!, 'Accept-Encoding')).toBe('identity');
  });

  it('an INVITE body that is not SDP gets 415 with Accept: application/sdp (§8.2.3)', async () => {
    r.send(`${head(r.port, 'INVITE', { extra: 'Content-Type: text/plain' })}\nContent-Length: 2\n\nhi`);
    await r.until(2);
    expect(statusLine(r.got[1]!)).toBe('SIP/2.0 415 Unsupported Media Type');
    expect(header(r.got[1]!, 'Accept')).toBe('application/sdp');
  });

  it('two INVITEs without a branch (RFC 2543 peers), other Call-IDs: two transactions, two answers (§17.2.3)', async () => {
    r.send(`${head(r.port, 'INVITE', { branch: null, callId: 'old-peer-1' })}\nContent-Length: 0\n\n`);
    r.send(`${head(r.port, 'INVITE', { branch: null, callId: 'old-peer-2' })}\nContent-Length: 0\n\n`);
    await r.until(6);
    const finals = r.got.filter((t) => statusLine(t) === 'SIP/2.0 200 OK');
    expect(finals.map((t) => header(t, 'Call-ID')).sort()).toEqual(['old-peer-1', 'old-peer-2']);
    const tags = finals.map((t) => /;tag=([^;\s]+)/.exec(header(t, 'To') ?? '')?.[1]);
    expect(new Set(tags).size).toBe(2);
  });

  it('a re-sent BYE gets the same 200 again from its transaction, not a 481 (§17.2.2)', async () => {
    r.send(`${head(r.port, 'INVITE', { callId: 'bye-twice' })}\nContent-Length: 0\n\n`);
    await r.until(3);
    const ok = r.got[2]!;
    const tag = /;tag=([^;\s]+)/.exec(header(ok, 'To') ?? '')?.[1];
    r.send(`${head(r.port, 'ACK', { callId: 'bye-twice', branch: 'z9hG4bKack1', toTag: tag })}\nContent-Length: 0\n\n`);
    const bye = `${head(r.port, 'BYE', { callId: 'bye-twice', branch: 'z9hG4bKbye1', toTag: tag, cseq: 2 })}\nContent-Length: 0\n\n`;
    const before = r.got.length;
    r.send(bye);
    await r.until(before + 1);
    r.send(bye);
    await r.until(before + 2);
    expect(r.got.slice(before).map(statusLine)).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    expect(r.got[before]).toBe(r.got[before + 1]);
  });
});

describe('answer asks a person about each call (the ringing prompt on a terminal)', () => {
  let r: Rig;
  beforeEach(async () => {
    r = await rig();
  });
  afterEach(async () => {
    await r.uas.close();
    r.sock.close();
  });

  it('the question names the caller, the subject and the offered codecs; "redirect" sends 302 with the Contact', async () => {
    const asked: unknown[] = [];
    r.uas.ask = async (call) => {
      asked.push(call);
      return { action: 'redirect', to: 'sip:carol@127.0.0.1:5099' };
    };
    const sdp = ['v=0', 'o=x 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 8 101', 'a=rtpmap:101 telephone-event/8000', ''].join('\n');
    // (send() turns every \n into CRLF: the length counts the CRLFs)
    r.send(`${head(r.port, 'INVITE', { callId: 'ask-1', extra: 'Subject: lunch?\nContent-Type: application/sdp' })}\nContent-Length: ${Buffer.byteLength(sdp.replace(/\n/g, '\r\n'))}\n\n${sdp}`);
    await r.until(3);
    expect(asked).toEqual([{ from: '<sip:a@127.0.0.1>;tag=hf1', subject: 'lunch?', codecs: ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000'], callId: 'ask-1' }]);
    expect(r.got.map(statusLine)).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 302 Moved Temporarily']);
    expect(header(r.got[2]!, 'Contact')).toBe('<sip:carol@127.0.0.1:5099>');
  });

  it('"reject" sends the status chosen (603 Decline); "answer" a 200 with an SDP answer', async () => {
    let n = 0;
    r.uas.ask = async () => (n++ === 0 ? { action: 'reject', status: 603 } : { action: 'answer' });
    r.send(`${head(r.port, 'INVITE', { callId: 'ask-2' })}\nContent-Length: 0\n\n`);
    await r.until(3);
    expect(statusLine(r.got[2]!)).toBe('SIP/2.0 603 Decline');
    r.send(`${head(r.port, 'INVITE', { callId: 'ask-3', branch: 'z9hG4bKask3' })}\nContent-Length: 0\n\n`);
    await r.until(6);
    expect(statusLine(r.got[5]!)).toBe('SIP/2.0 200 OK');
    expect(header(r.got[5]!, 'Content-Type')).toBe('application/sdp');
  });
});
