// `--from 'sip:alice@host?Subject=x'`: RFC 3261 §19.1.1 Table 1 does not allow "headers" in the
// URI of a From header field. sipcall refuses it (exit 2, one line naming the ?… part and how
// to add header fields instead), nothing sent. Before: the ?headers were silently dropped.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe('--from with URI headers', () => {
  it.each([
    ['sip:alice@example.com?Subject=x', 'Subject=x'],
    ['<sip:alice@example.com;transport=tcp?Subject=x&Priority=urgent>', 'Subject=x&Priority=urgent'],
    ['alice@example.com?', ''],
  ])('--from %s: exit 2, one line with the reason and the -H hint, nothing sent', async (from, headers) => {
    peer = await startHostilePeer((req) => reply(req, 200, 'OK'));
    const io = fakeIo();
    expect(await run(['options', `sip:bob@127.0.0.1:${peer.port}`, '--no-input', '--from', from], io)).toBe(2);
    expect(io.err.text).toBe(
      `sipcall: --from ${JSON.stringify(from)} carries URI headers (?${headers}), which RFC 3261 §19.1.1 (Table 1) does not allow in the URI of a From header field; drop the ?… part; give extra header fields with -H "Name: value", e.g. -H "Subject: hello"\n`,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(peer.received).toEqual([]);
  });

  it('a From URI without headers still goes out as given (with our tag)', async () => {
    peer = await startHostilePeer((req) => reply(req, 200, 'OK'));
    const io = fakeIo();
    expect(await run(['options', `sip:bob@127.0.0.1:${peer.port}`, '--no-input', '--from', 'sip:alice@example.com'], io)).toBe(0);
    const [sent] = peer.requests('OPTIONS');
    expect(sent!.get('From', 'f')).toMatch(/^<sip:alice@example\.com>;tag=[A-Za-z0-9]+$/);
  });
});
