// What reaches the wire for `-H` of a header sipcall writes (issue 14 §6): one row, the user's
// value, and a note saying so; a header that would break the message is refused before anything
// is sent (exit 2). Before: `-H 'Content-Length: 500'` put two Content-Length rows on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe('-H on the wire (a UDP listener on loopback)', () => {
  it('replaces Max-Forwards, User-Agent, From (keeping our tag) and To; adds X-Test; says so', async () => {
    peer = await startHostilePeer((req) => reply(req, 200, 'OK'));
    const io = fakeIo();
    const code = await run(
      ['options', `sip:bob@127.0.0.1:${peer.port}`, '--no-input', '--json',
        '-H', 'Max-Forwards: 5', '-H', 'User-Agent: probe/9', '-H', 'f: "Probe" <sip:probe@example.com>', '-H', 'To: <sip:carol@example.com>', '-H', 'X-Test: 1'],
      io,
    );
    expect(code).toBe(0);
    const [sent] = peer.requests('OPTIONS');
    expect(sent).toBeDefined();
    expect(sent!.all('Max-Forwards')).toEqual(['5']);
    expect(sent!.all('User-Agent')).toEqual(['probe/9']);
    const from = sent!.all('From', 'f');
    expect(from).toHaveLength(1);
    expect(from[0]).toMatch(/^"Probe" <sip:probe@example\.com>;tag=[A-Za-z0-9]+$/);
    expect(sent!.all('To', 't')).toEqual(['<sip:carol@example.com>']);
    expect(sent!.all('X-Test')).toEqual(['1']);
    expect(sent!.all('Content-Length', 'l')).toEqual(['0']);
    const notes = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; code?: string; text?: string }).filter((e) => e.code === 'header-replaced');
    expect(notes.map((n) => n.text)).toEqual([
      '--header Max-Forwards: replaces the Max-Forwards sipcall writes',
      '--header User-Agent: replaces the User-Agent sipcall writes',
      "--header f: replaces the From sipcall writes (sipcall's tag added: RFC 3261 §8.1.1.3)",
      '--header To: replaces the To sipcall writes',
    ]);
  });

  it.each([
    ['Content-Length: 500', 'Content-Length'],
    ['l: 500', 'l (Content-Length)'],
    ['Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx', 'Via'],
    ['CSeq: 9 OPTIONS', 'CSeq'],
    ['i: x@y', 'i (Call-ID)'],
  ])('-H %s: exit 2 with the reason, nothing sent', async (h, spelled) => {
    peer = await startHostilePeer((req) => reply(req, 200, 'OK'));
    const io = fakeIo();
    expect(await run(['options', `sip:bob@127.0.0.1:${peer.port}`, '--no-input', '-H', h], io)).toBe(2);
    expect(io.err.text).toMatch(new RegExp(`^sipcall: --header ${spelled.replace(/[()]/g, '\\$&')} cannot be set: .+; .+\\n$`));
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.received).toEqual([]);
  });
});
