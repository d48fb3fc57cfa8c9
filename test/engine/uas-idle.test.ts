// `answer --idle-timeout S` over TCP (src/transport/connection-limits.ts, AutoAnswer.needsFlow):
// on the run's (manual) clock, a quiet connection is closed S s after it opened, with an `info`
// note; one whose INVITE is still being answered is kept (RFC 3261 §18.2.2: the response goes on
// that connection) until its call no longer needs it. A transport error names the peer.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import { ManualClock } from '../support/manual-clock.js';

const msg = (lines: string[]) => [...lines, 'Content-Length: 0', '', ''].join('\r\n');
const dialogLines = (toTag?: string) => ['Max-Forwards: 70', 'From: <sip:alice@127.0.0.1>;tag=al1', `To: <sip:bob@127.0.0.1>${toTag ? `;tag=${toTag}` : ''}`, 'Call-ID: idle-test'];
const invite = (port: number) => msg(['INVITE sip:answer@127.0.0.1 SIP/2.0', `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bKidle1`, ...dialogLines(), 'CSeq: 1 INVITE', `Contact: <sip:alice@127.0.0.1:${port};transport=tcp>`]);
const ack = (port: number, toTag: string) => msg(['ACK sip:answer@127.0.0.1 SIP/2.0', `Via: SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bKidle2`, ...dialogLines(toTag), 'CSeq: 1 ACK']);

interface Client {
  socket: net.Socket;
  port: number;
  got: () => string;
  closed: () => boolean;
}

async function connect(port: number): Promise<Client> {
  const socket = net.connect(port, '127.0.0.1');
  let got = '';
  let closed = false;
  socket.on('data', (d) => (got += d.toString()));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  opened.push(socket);
  return { socket, port: socket.localPort!, got: () => got, closed: () => closed };
}

const opened: net.Socket[] = [];
const settle = () => new Promise((r) => setTimeout(r, 60));
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('answer --idle-timeout over TCP', () => {
  let uas: AutoAnswer | undefined;
  afterEach(async () => {
    for (const s of opened.splice(0)) s.destroy();
    await uas?.close();
  });

  it('closes a quiet connection after S s on the clock; keeps one whose INVITE is being answered, then closes it once its transaction is over (Timer L) and S s have passed', async () => {
    const clock = new ManualClock();
    const events: SipEvent[] = [];
    uas = new AutoAnswer({ kind: 'answer', transport: 'tcp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 60_000, t1: 500, t2: 4000, userAgent: 'test', idleTimeoutS: 10 }, { clock, sink: (e) => events.push(e) });
    const local = await uas.start();
    const caller = await connect(local.port);
    caller.socket.write(invite(caller.port));
    await until(() => caller.got().includes('180 Ringing'));
    const quiet = await connect(local.port);
    await settle();

    clock.advance(10_000);
    await until(() => quiet.closed());
    expect(caller.closed()).toBe(false); // its INVITE waits for the final response (ring 60 s)
    const notes = () => events.filter((e) => e.type === 'note' && e.code === 'idle-timeout');
    expect(notes()).toHaveLength(1);
    expect(notes()[0]).toMatchObject({ level: 'info', t: 10_000 });
    expect((notes()[0] as { text: string }).text).toContain(`127.0.0.1:${quiet.port}/tcp`);

    clock.advance(50_000); // the ring ends at 60 s: the 200 goes on the kept connection
    await until(() => caller.got().includes('200 OK'));
    expect(caller.closed()).toBe(false);
    const toTag = /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(caller.got().slice(caller.got().indexOf('SIP/2.0 200 OK')))![1]!;
    caller.socket.write(ack(caller.port, toTag));
    await until(() => events.some((e) => e.type === 'request.received' && e.method === 'ACK'));
    // The INVITE transaction stays in Accepted until Timer L (64·T1 = 32 s, RFC 6026), at 92 s:
    // the idle checks at 70, 80 and 90 s find it in use; the one at 100 s closes the connection.
    clock.advance(39_999);
    await settle();
    expect(caller.closed()).toBe(false);
    expect(uas.pendingInvites).toBe(0);
    clock.advance(1);
    await until(() => caller.closed());
    expect(notes()).toHaveLength(2);
  });

  it('a transport error on a connection names its peer (not "TCP to ")', async () => {
    const clock = new ManualClock();
    const events: SipEvent[] = [];
    uas = new AutoAnswer({ kind: 'answer', transport: 'tcp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 0, t1: 500, t2: 4000, userAgent: 'test' }, { clock, sink: (e) => events.push(e) });
    const local = await uas.start();
    const c = await connect(local.port);
    c.socket.write('OPTIONS sip:x SIP/2.0\r\nContent-Length: banana\r\n\r\n');
    await until(() => events.some((e) => e.type === 'transport.error'));
    const err = events.find((e) => e.type === 'transport.error') as Extract<SipEvent, { type: 'transport.error' }>;
    expect(err.to).toBe(`127.0.0.1:${c.port}`);
  });
});
