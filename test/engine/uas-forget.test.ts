import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import { ManualClock } from '../support/manual-clock.js';

const invite = (port: number) =>
  [
    `INVITE sip:answer@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKforget1;rport`,
    'Max-Forwards: 70',
    'From: <sip:a@127.0.0.1>;tag=ft1',
    'To: <sip:answer@127.0.0.1>',
    'Call-ID: forget-test',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

describe('sipcall answer forgets finished INVITE transactions', () => {
  let uas: AutoAnswer | undefined;
  let sock: dgram.Socket | undefined;
  afterEach(async () => {
    await uas?.close();
    sock?.close();
  });

  it('keeps an answered INVITE for 64·T1 after its final response, then drops it', async () => {
    const clock = new ManualClock();
    const events: SipEvent[] = [];
    uas = new AutoAnswer(
      { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 486, ringMs: 100, t1: 500, t2: 4000, userAgent: 'test' },
      { clock, sink: (e) => events.push(e) },
    );
    const local = await uas.start();
    sock = dgram.createSocket('udp4');
    sock.bind(0, '127.0.0.1');
    await once(sock, 'listening');
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString().split('\r\n')[0]));
    sock.send(invite(sock.address().port), local.port, '127.0.0.1');
    while (got.length < 2) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing']);
    expect(uas.pendingInvites).toBe(1);
    clock.advance(100);
    while (got.length < 3) await new Promise((r) => setTimeout(r, 5));
    expect(got[2]).toBe('SIP/2.0 486 Busy Here');
    clock.advance(64 * 500 - 1);
    expect(uas.pendingInvites).toBe(1);
    clock.advance(1);
    expect(uas.pendingInvites).toBe(0);
  });
});
