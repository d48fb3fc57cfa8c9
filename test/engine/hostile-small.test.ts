// Issue 14 §6, "smaller": --local ADDR:PORT in Via, ?headers of a target, an unREGISTER whose
// 200 echoes our Contact with expires=0, and the messages of answer --ring, --t2 1e12 and
// explain of a bad Request-Line. The wire ones against a hostile peer on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';
import { freePort, releasePort } from '../support/peers/ports.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function sipcall(argv: string[]): Promise<{ code: number; events: SipEvent[]; result: ResultEvent; err: string }> {
  const io = fakeIo();
  const code = await run([...argv, '--json', '--no-input'], io);
  const events = io.out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SipEvent);
  return { code, events, result: events.at(-1) as ResultEvent, err: io.err.text };
}

describe('the wire', () => {
  it('--local 127.0.0.1:PORT: that port is the one in Via (and Contact), not a second random one', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK')]);
    const port = await freePort({ tcp: false });
    const { code } = await sipcall(['options', peer.hostPort, '--local', `127.0.0.1:${port}`]).finally(() => releasePort(port));
    expect(code).toBe(0);
    const via = peer.received[0]!.get('via')!;
    expect(via).toMatch(new RegExp(`^SIP/2\\.0/UDP 127\\.0\\.0\\.1:${port};`));
  });

  it('without --local the Via still names the second listening port (docs/verdicts.md)', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK')]);
    await sipcall(['options', peer.hostPort]);
    expect(peer.received[0]!.get('via')).toMatch(/^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;/);
  });

  it('?headers of the target become header fields, out of the Request-URI and To (RFC 3261 Table 1)', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK')]);
    const { code } = await sipcall(['options', `sip:bob@${peer.hostPort}?Subject=hello%20there&X-Probe=1`]);
    expect(code).toBe(0);
    const req = peer.received[0]!;
    expect(req.uri).toBe(`sip:bob@${peer.hostPort}`);
    expect(req.get('to')).toBe(`<sip:bob@${peer.hostPort}>`);
    expect(req.get('subject')).toBe('hello there');
    expect(req.get('x-probe')).toBe('1');
  });

  it('a target in angle brackets is taken as the URI inside', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK')]);
    const { code } = await sipcall(['options', `<sip:bob@${peer.hostPort}>`]);
    expect(code).toBe(0);
    expect(peer.received[0]!.uri).toBe(`sip:bob@${peer.hostPort}`);
  });

  it('?Call-ID in the target: exit 2 naming RFC 3261 §19.1.5, nothing sent', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK')]);
    const { code, err } = await sipcall(['options', `sip:bob@${peer.hostPort}?Call-ID=forged`]);
    expect(code).toBe(2);
    expect(err).toMatch(/header Call-ID in its URI/);
    expect(peer.received).toHaveLength(0);
  });

  it('unREGISTER answered 200 with our Contact;expires=0: the binding is removed, not "still listed"', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK', { headers: [`Contact: ${req.get('contact')};expires=0`] })]);
    const { code, result } = await sipcall(['register', 'alice@127.0.0.1', '--registrar', peer.hostPort, '--unregister']);
    expect(code).toBe(0);
    expect(result.summary).toMatch(/, our binding is removed$/);
  });

  it('unREGISTER answered 200 that still lists our Contact with a lifetime: says so', async () => {
    peer = await startHostilePeer((req) => [reply(req, 200, 'OK', { headers: [`Contact: ${req.get('contact')};expires=300`] })]);
    const { result } = await sipcall(['register', 'alice@127.0.0.1', '--registrar', peer.hostPort, '--unregister']);
    expect(result.summary).toMatch(/, but the registrar still lists our binding$/);
  });
});

describe('messages', () => {
  it('answer --ring abc: milliseconds, not seconds', async () => {
    const io = fakeIo();
    expect(await run(['answer', '--ring', 'abc', '--no-input'], io)).toBe(2);
    expect(io.err.text).toMatch(/--ring must be a whole number of milliseconds, got "abc"/);
    expect(io.err.text).not.toMatch(/number of seconds/);
  });

  it('--t2 1e12: too large, not "not positive"', async () => {
    const io = fakeIo();
    expect(await run(['options', 'bob@127.0.0.1', '--t2', '1e12', '--no-input'], io)).toBe(2);
    expect(io.err.text).toMatch(/--t2 1e12 is too large/);
    expect(io.err.text).not.toMatch(/positive/);
  });

  it('explain of a bad Request-Line never prints "request undefined"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipcall-explain-'));
    try {
      for (const line of ['INVITE sip:bob@example.com', 'FOO']) {
        const file = join(dir, 'bad.sip');
        writeFileSync(file, `${line}\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n`);
        const io = fakeIo();
        expect(await run(['explain', file], io)).toBe(1);
        expect(io.out.text).not.toMatch(/undefined/);
        expect(io.out.text).toMatch(/request {3}whose Request-Line cannot be read/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
