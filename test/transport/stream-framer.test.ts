import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FramingError, StreamFramer } from '../../src/transport/stream-framer.js';
import { sipMessage } from './helpers.js';

const text = (b: Buffer): string => b.toString('latin1');

function pushAll(framer: StreamFramer, chunks: Uint8Array[]): { messages: string[]; pings: number; error?: FramingError } {
  const messages: string[] = [];
  let pings = 0;
  let error: FramingError | undefined;
  for (const chunk of chunks) {
    const out = framer.push(chunk);
    messages.push(...out.messages.map(text));
    pings += out.pings;
    error ??= out.error;
  }
  return { messages, pings, error };
}

const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('StreamFramer (RFC 3261 §18.3 framing by Content-Length)', () => {
  const invite = sipMessage('INVITE sip:bob@example.com SIP/2.0', 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n');
  const ok = sipMessage('SIP/2.0 200 OK');

  it('returns one complete message pushed whole', () => {
    const out = new StreamFramer().push(invite);
    expect(out.messages.map(text)).toEqual([text(invite)]);
    expect(out.pings).toBe(0);
    expect(out.error).toBeUndefined();
  });

  it('assembles a message arriving one byte at a time, and only at its last byte', () => {
    const framer = new StreamFramer();
    for (let i = 0; i < invite.length - 1; i++) {
      expect(framer.push(invite.subarray(i, i + 1)).messages).toEqual([]);
    }
    expect(framer.buffered).toBe(invite.length - 1);
    const out = framer.push(invite.subarray(invite.length - 1));
    expect(out.messages.map(text)).toEqual([text(invite)]);
    expect(framer.buffered).toBe(0);
  });

  it('splits coalesced messages, and keeps the start of the next one', () => {
    const framer = new StreamFramer();
    const stream = Buffer.concat([invite, ok, ok.subarray(0, 10)]);
    expect(pushAll(framer, [stream]).messages).toEqual([text(invite), text(ok)]);
    expect(framer.buffered).toBe(10);
    expect(pushAll(framer, [ok.subarray(10)]).messages).toEqual([text(ok)]);
  });

  it('skips CRLF keep-alives before a start-line and counts double-CRLF pings (RFC 5626 §3.5.1)', () => {
    const framer = new StreamFramer();
    const out = pushAll(framer, [bytesOf('\r\n\r\n'), bytesOf('\r\n\r\n\r\n'), Buffer.concat([ok, bytesOf('\r\n\r\n')])]);
    expect(out.messages).toEqual([text(ok)]);
    expect(out.pings).toBe(3);
    expect(framer.buffered).toBe(0);
  });

  it('does not count a single-CRLF pong as a ping', () => {
    const out = new StreamFramer().push(Buffer.concat([bytesOf('\r\n'), ok]));
    expect(out.pings).toBe(0);
    expect(out.messages.map(text)).toEqual([text(ok)]);
  });

  it('reads the compact form l: and any case of Content-Length', () => {
    const compact = sipMessage('SIP/2.0 180 Ringing', 'abc', 'l');
    const upper = sipMessage('SIP/2.0 183 Session Progress', 'hello', 'CONTENT-LENGTH');
    const spaced = bytesOf('SIP/2.0 200 OK\r\ncontent-length   :   2\r\n\r\nhi');
    const out = pushAll(new StreamFramer(), [Buffer.concat([compact, upper, spaced])]);
    expect(out.messages).toEqual([text(compact), text(upper), text(spaced)]);
  });

  it('tolerates a folded Content-Length and a bare-LF empty line', () => {
    const folded = bytesOf('SIP/2.0 200 OK\r\nContent-Length:\r\n   4\r\n\r\nbody');
    const bareLf = bytesOf('SIP/2.0 200 OK\nContent-Length: 2\n\nok');
    const out = pushAll(new StreamFramer(), [Buffer.concat([folded, bareLf])]);
    expect(out.messages).toEqual([text(folded), text(bareLf)]);
  });

  it('frames a body that itself contains CRLFCRLF by its length', () => {
    const body = 'a\r\n\r\nINVITE sip:x SIP/2.0\r\n\r\nz';
    const msg = sipMessage('MESSAGE sip:bob@example.com SIP/2.0', body);
    const out = pushAll(new StreamFramer(), [Buffer.concat([msg, ok])]);
    expect(out.messages).toEqual([text(msg), text(ok)]);
  });

  it('keeps body bytes exactly (binary, non-UTF-8)', () => {
    const body = Buffer.from([0, 1, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 0x80]);
    const msg = Buffer.concat([bytesOf(`SIP/2.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    const [got] = new StreamFramer().push(msg).messages;
    expect(got?.equals(msg)).toBe(true);
  });

  it('reports a missing Content-Length as FRAMING, after the messages before it', () => {
    const framer = new StreamFramer();
    const out = framer.push(Buffer.concat([ok, bytesOf('OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n')]));
    expect(out.messages.map(text)).toEqual([text(ok)]);
    expect(out.error).toBeInstanceOf(FramingError);
    expect(out.error?.code).toBe('FRAMING');
    expect(out.error?.message).toContain('no Content-Length');
    expect(out.error?.offset).toBe(ok.length);
    expect(framer.failed).toBe(out.error);
    // A failed framer stays failed and reports the error once.
    expect(framer.push(ok)).toEqual({ messages: [], pings: 0 });
  });

  it('reports a Content-Length that is not a number as FRAMING, naming the value', () => {
    const out = new StreamFramer().push(bytesOf('SIP/2.0 200 OK\r\nContent-Length: 12abc\r\n\r\n'));
    expect(out.error?.code).toBe('FRAMING');
    expect(out.error?.message).toContain('"12abc"');
  });

  it('reports conflicting Content-Length values as FRAMING', () => {
    const out = new StreamFramer().push(bytesOf('SIP/2.0 200 OK\r\nContent-Length: 1\r\nl: 2\r\n\r\nab'));
    expect(out.error?.code).toBe('FRAMING');
    expect(out.error?.message).toContain('conflicting');
  });

  it('rejects a message whose Content-Length exceeds the limit as MESSAGE_TOO_LARGE', () => {
    const framer = new StreamFramer({ maxMessageSize: 200 });
    const out = framer.push(bytesOf('SIP/2.0 200 OK\r\nContent-Length: 1000\r\n\r\n'));
    expect(out.error?.code).toBe('MESSAGE_TOO_LARGE');
    expect(out.error?.message).toContain('200-byte limit');
  });

  it('rejects headers that never end within the limit as MESSAGE_TOO_LARGE', () => {
    const framer = new StreamFramer({ maxMessageSize: 64 });
    const out = pushAll(framer, [bytesOf('SIP/2.0 200 OK\r\n'), bytesOf('X-Long: '.padEnd(80, 'x'))]);
    expect(out.error?.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('accepts a message of exactly the limit', () => {
    const msg = sipMessage('SIP/2.0 200 OK', 'x'.repeat(50));
    const out = new StreamFramer({ maxMessageSize: msg.length }).push(msg);
    expect(out.messages).toHaveLength(1);
    expect(out.error).toBeUndefined();
  });

  it('handles a 256 KiB body pushed one byte at a time (linear scan)', () => {
    const msg = sipMessage('MESSAGE sip:a SIP/2.0', '\r\n'.repeat(128 * 1024));
    const framer = new StreamFramer();
    const messages: Buffer[] = [];
    for (let i = 0; i < msg.length; i++) messages.push(...framer.push(msg.subarray(i, i + 1)).messages);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.equals(msg)).toBe(true);
  });

  it('any split of a valid stream yields the same messages (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/);
    const headerValue = fc.stringMatching(/^[ -~]{0,30}$/).map((s) => s.trim());
    const message = fc.record({
      start: fc.constantFrom('INVITE sip:bob@b SIP/2.0', 'SIP/2.0 200 OK', 'OPTIONS sip:x SIP/2.0', 'SIP/2.0 486 Busy Here'),
      headers: fc.array(fc.tuple(token, headerValue), { maxLength: 5 }),
      lengthName: fc.constantFrom('Content-Length', 'content-length', 'l', 'L', 'CONTENT-LENGTH'),
      lengthFirst: fc.boolean(),
      body: fc.uint8Array({ maxLength: 80 }),
      keepAlive: fc.constantFrom('', '\r\n', '\r\n\r\n'),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, cuts) => {
        const expected: Buffer[] = [];
        const parts: Buffer[] = [];
        for (const m of msgs) {
          const others = m.headers
            .filter(([name]) => !/^(l|content-length)$/i.test(name))
            .map(([name, value]) => `${name}: ${value}\r\n`);
          const length = `${m.lengthName}: ${m.body.length}\r\n`;
          const head = `${m.start}\r\n${m.lengthFirst ? length + others.join('') : others.join('') + length}\r\n`;
          const full = Buffer.concat([bytesOf(head), Buffer.from(m.body)]);
          expected.push(full);
          parts.push(bytesOf(m.keepAlive), full);
        }
        const stream = Buffer.concat(parts);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let at = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(at, p));
          at = p;
        }
        const framer = new StreamFramer();
        const got: Buffer[] = [];
        for (const c of chunks) {
          const out = framer.push(c);
          expect(out.error).toBeUndefined();
          got.push(...out.messages);
        }
        expect(got.map(text)).toEqual(expected.map(text));
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
