// `answer --bye-after S`: the UAS hangs up S seconds after the ACK with a BYE built from the
// INVITE (RFC 3261 §12.1.1 UAS dialog, §15.1.1), through a client transaction, on the flow the
// INVITE came on; a BYE from the caller first cancels ours. Manual clock, real UDP loopback.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import { uasDialog } from '../../src/engine/uas-dialog.js';
import { parseMessage } from '../../src/sip/parse.js';
import type { SipRequest } from '../../src/sip/message.js';
import { ManualClock } from '../support/manual-clock.js';

const msg = (lines: string[]) => [...lines, 'Content-Length: 0', '', ''].join('\r\n');
const invite = (port: number, rr: string[] = []) =>
  msg([
    'INVITE sip:answer@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKbye1;rport`,
    ...rr.map((r) => `Record-Route: ${r}`),
    'Max-Forwards: 70',
    'From: "Alice" <sip:alice@127.0.0.1>;tag=al1',
    'To: <sip:bob@127.0.0.1>',
    'Call-ID: bye-after-test',
    'CSeq: 7 INVITE',
    `Contact: <sip:alice@127.0.0.1:${port}>`,
  ]);

describe('uasDialog (RFC 3261 §12.1.1)', () => {
  it('route set = Record-Route in order, remote target = the Contact, our tag in From, the caller in To', () => {
    const parsed = parseMessage(Buffer.from(invite(5099, ['<sip:p1.example;lr>', '<sip:p2.example;lr>'])));
    if (!parsed.ok || parsed.message.kind !== 'request') throw new Error('parse');
    const d = uasDialog(parsed.message as SipRequest, 'uastag')!;
    expect(d).toEqual({
      callId: 'bye-after-test',
      localTag: 'uastag',
      remoteTag: 'al1',
      localFrom: '<sip:bob@127.0.0.1>;tag=uastag',
      remoteTo: '"Alice" <sip:alice@127.0.0.1>;tag=al1',
      localSeq: 0,
      remoteTarget: 'sip:alice@127.0.0.1:5099',
      routeSet: ['<sip:p1.example;lr>', '<sip:p2.example;lr>'],
    });
  });

  it('a Contact of * or garbage, or a bad Record-Route: no dialog to send in (never such a Request-URI)', () => {
    for (const [from, to] of [
      [/Contact: [^\r]*/, 'Contact: *'],
      [/Contact: [^\r]*/, 'Contact: <garbage'],
      [/Max-Forwards/, 'Record-Route: <sip:p1.example;lr\r\nMax-Forwards'],
    ] as const) {
      const parsed = parseMessage(Buffer.from(invite(5099).replace(from, to)));
      if (!parsed.ok) throw new Error('parse');
      expect(uasDialog(parsed.message as SipRequest, 't'), to).toBeUndefined();
    }
  });

  it('no Contact: no dialog to send in', () => {
    const text = invite(5099).replace(/Contact: [^\r]*\r\n/, '');
    const parsed = parseMessage(Buffer.from(text));
    if (!parsed.ok) throw new Error('parse');
    expect(uasDialog(parsed.message as SipRequest, 't')).toBeUndefined();
  });
});

describe('answer --bye-after', () => {
  let uas: AutoAnswer | undefined;
  let sock: dgram.Socket | undefined;
  afterEach(async () => {
    await uas?.close();
    sock?.close();
  });

  async function call(byeAfterS: number) {
    const clock = new ManualClock();
    const events: SipEvent[] = [];
    uas = new AutoAnswer({ kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 0, t1: 500, t2: 4000, userAgent: 'test', byeAfterS }, { clock, sink: (e) => events.push(e) });
    const local = await uas.start();
    sock = dgram.createSocket('udp4');
    sock.bind(0, '127.0.0.1');
    await once(sock, 'listening');
    const port = sock.address().port;
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString()));
    const send = (text: string) => sock!.send(text, local.port, '127.0.0.1');
    const until = async (n: number) => {
      for (let i = 0; got.length < n && i < 400; i++) await new Promise((r) => setTimeout(r, 5));
      expect(got.length).toBeGreaterThanOrEqual(n);
    };
    send(invite(port));
    await until(2);
    clock.advance(0);
    await until(3);
    const ok = got[2]!;
    expect(ok.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
    const toTag = /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(ok)![1]!;
    send(msg(['ACK sip:answer@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKack1;rport`, 'Max-Forwards: 70', 'From: "Alice" <sip:alice@127.0.0.1>;tag=al1', `To: <sip:bob@127.0.0.1>;tag=${toTag}`, 'Call-ID: bye-after-test', 'CSeq: 7 ACK']));
    for (let i = 0; i < 400 && !events.some((e) => e.type === 'request.received' && e.method === 'ACK'); i++) await new Promise((r) => setTimeout(r, 5));
    return { clock, events, got, send, until, toTag, port };
  }

  it('S seconds after the ACK, a BYE in the dialog goes back to the caller; its 200 is said in a note', async () => {
    const { clock, events, got, send, until, toTag, port } = await call(2);
    clock.advance(1999);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toHaveLength(3); // nothing yet
    clock.advance(1);
    await until(4);
    const bye = got[3]!;
    const lines = bye.split('\r\n');
    expect(lines[0]).toBe(`BYE sip:alice@127.0.0.1:${port} SIP/2.0`);
    const h = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
    expect(h('From')).toBe(`<sip:bob@127.0.0.1>;tag=${toTag}`);
    expect(h('To')).toBe('"Alice" <sip:alice@127.0.0.1>;tag=al1');
    expect(h('Call-ID')).toBe('bye-after-test');
    expect(h('CSeq')).toBe('1 BYE');
    expect(h('Via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bK\S+;rport$/);
    expect(h('Route')).toBeUndefined();
    // UDP: re-sent at T1 until answered
    clock.advance(500);
    await until(5);
    expect(got[4]).toBe(bye);
    const via = h('Via')!;
    send(msg(['SIP/2.0 200 OK', `Via: ${via}`, `From: ${h('From')}`, `To: ${h('To')}`, 'Call-ID: bye-after-test', 'CSeq: 1 BYE']));
    for (let i = 0; i < 400 && !events.some((e) => e.type === 'note' && e.code === 'we-hung-up'); i++) await new Promise((r) => setTimeout(r, 5));
    const note = events.find((e) => e.type === 'note' && e.code === 'we-hung-up');
    expect(note && note.type === 'note' ? note.text : '').toBe('we hung up after 2.0 s (--bye-after): BYE answered 200 OK');
    // the dialog is gone: a BYE from the caller now gets 481
    send(msg(['BYE sip:answer@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKlate;rport`, 'Max-Forwards: 70', 'From: "Alice" <sip:alice@127.0.0.1>;tag=al1', `To: <sip:bob@127.0.0.1>;tag=${toTag}`, 'Call-ID: bye-after-test', 'CSeq: 8 BYE']));
    await until(6);
    expect(got[5]!.split('\r\n')[0]).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
  });

  it('the caller hangs up first: no BYE of ours', async () => {
    const { clock, got, send, until, toTag, port } = await call(2);
    send(msg(['BYE sip:answer@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKfirst;rport`, 'Max-Forwards: 70', 'From: "Alice" <sip:alice@127.0.0.1>;tag=al1', `To: <sip:bob@127.0.0.1>;tag=${toTag}`, 'Call-ID: bye-after-test', 'CSeq: 8 BYE']));
    await until(4);
    expect(got[3]!.split('\r\n')[0]).toBe('SIP/2.0 200 OK');
    clock.advance(5000);
    await new Promise((r) => setTimeout(r, 50));
    expect(got.filter((g) => g.startsWith('BYE '))).toEqual([]);
  });
});
