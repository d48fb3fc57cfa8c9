// Issue 14 §6, "verdicts that contradict the run": a 2 MB response over TCP was called "the
// request is larger than one datagram can carry; send it over TCP", and the summary said
// "nothing came back" when unparseable responses came back. Against a hostile peer on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { analyzeRun } from '../../src/engine/verdict/index.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function sipcall(argv: string[]): Promise<{ code: number; events: SipEvent[]; result: ResultEvent }> {
  const io = fakeIo();
  const code = await run([...argv, '--json', '--no-input'], io);
  const events = io.out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SipEvent);
  const result = events.at(-1) as ResultEvent;
  expect(result.type, io.err.text).toBe('result');
  return { code, events, result };
}

describe('verdicts on the facts of the run', () => {
  it('a 2 MB response over TCP: the peer sent too much, not "the request is larger than one datagram"', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK', { body: Buffer.alloc(2 * 1024 * 1024, 0x61), headers: ['Content-Type: text/plain'] })], 'tcp');
    const { code, events, result } = await sipcall(['options', `sip:${peer.hostPort};transport=tcp`]);
    const sent = events.find((e) => e.type === 'request.sent');
    expect(code).toBe(4);
    expect(result.verdict?.id).toBe('message-too-large');
    expect(result.verdict?.text).toBe(`${peer.hostPort} sent a message larger than sipcall accepts on TCP, so the connection was closed`);
    expect(result.verdict?.text).not.toMatch(/datagram/);
    expect(result.verdict?.next.join(' ')).not.toMatch(/--transport tcp/);
    expect(result.verdict?.evidence).toContain(`our request was ${sent?.type === 'request.sent' ? sent.bytes : '?'} bytes: the size limit was broken by what came back, not by what we sent`);
  });

  it('unparseable answers over UDP: the summary says what came back, not "nothing came back"', async () => {
    peer = await startHostilePeer(() => ['HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n']);
    const { code, result } = await sipcall(['options', peer.hostPort, '--t1', '20']);
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('unparseable-responses');
    expect(result.summary).not.toMatch(/nothing came back/);
    expect(result.summary).toMatch(/^OPTIONS: no final response before Timer F, nothing usable came back \(only \d+ messages that are not valid SIP\) \(local 408, not from the peer\)$/);
  });

  it('silence still says "nothing came back" (and no-response)', async () => {
    peer = await startHostilePeer(() => []);
    const { code, result } = await sipcall(['options', peer.hostPort, '--t1', '20']);
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('no-response');
    expect(result.summary).toMatch(/, nothing came back \(local 408/);
  });
});

describe('message-too-large on UDP (pure)', () => {
  it('is about our request, with its size, and points to TCP', () => {
    const events: SipEvent[] = [
      { type: 'request.sent', t: 1, method: 'MESSAGE', uri: 'sip:bob@192.0.2.1', attempt: 1, retransmission: false, transport: 'UDP', to: '192.0.2.1:5060', bytes: 70000, branch: 'z9hG4bKa', callId: 'c', cseq: 1 },
      { type: 'transport.error', t: 2, transport: 'UDP', code: 'MESSAGE_TOO_LARGE', message: 'the message is 70000 bytes, more than one UDP datagram can carry', to: '192.0.2.1:5060' },
    ];
    const v = analyzeRun(events, { outcome: 'transport-error' });
    expect(v?.id).toBe('message-too-large');
    expect(v?.text).toBe('the request (70000 bytes) is larger than one UDP datagram can carry');
    expect(v?.next[0]).toMatch(/--transport tcp/);
  });
});
