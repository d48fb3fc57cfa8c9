// `-H 'Authorization: …'` with a registrar that challenges (a UDP listener on loopback): the
// REGISTER sent again for the 401 (RFC 3261 §22.2) and the un-REGISTER after Ctrl-C (pro-active
// credentials, §22.3) each carry ONE Authorization, the computed one; a note says the user's was
// replaced. Before: the un-REGISTER carried two (the user's and the computed one).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { headerValues, replyTo, startHostileUdp, type HostileUdpPeer } from '../support/hostile-udp.js';

let peer: HostileUdpPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe("the user's -H Authorization and a 401 on the wire", () => {
  it('register --refresh: every REGISTER carries at most one Authorization; after the 401, the Digest one', async () => {
    let n = 0;
    peer = await startHostileUdp((req) => {
      if (!req.startsWith('REGISTER ')) return undefined;
      if (++n === 1) return replyTo(req, 401, 'Unauthorized', ['WWW-Authenticate: Digest realm="example.com", nonce="n1", qop="auth"']);
      const contact = headerValues(req, 'Contact', 'm')[0] ?? '<sip:x@127.0.0.1>';
      return replyTo(req, 200, 'OK', [`Contact: ${contact};expires=${headerValues(req, 'Expires')[0] ?? '3600'}`]);
    });
    const io = fakeIo({ SIPCALL_PASSWORD: 'secret-pw' });
    const done = run(['register', `sip:alice@127.0.0.1:${peer.port}`, '--refresh', '--user', 'alice', '--no-input', '--json', '-H', 'Authorization: Bearer user-token'], io);
    for (let i = 0; i < 300 && peer.requests('REGISTER').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // the 200 is read and the refresh armed
    io.interrupt();
    expect(await done).toBe(130); // Ctrl-C, after the un-REGISTER was sent as due

    const sent = peer.requests('REGISTER');
    expect(sent).toHaveLength(3); // REGISTER (401), REGISTER with credentials (200), un-REGISTER (200)
    expect(headerValues(sent[0]!, 'Authorization')).toEqual(['Bearer user-token']);
    for (const r of sent.slice(1)) {
      const auth = headerValues(r, 'Authorization');
      expect(auth, r).toHaveLength(1);
      expect(auth[0]).toMatch(/^Digest username="alice", realm="example\.com", nonce="n1"/);
    }
    expect(headerValues(sent[2]!, 'Expires')).toEqual(['0']);
    const notes = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; code?: string; text?: string }).filter((e) => e.code === 'header-replaced');
    expect(notes.map((e) => e.text)).toEqual(['--header Authorization: replaced by the credentials sipcall computed for the 401 Unauthorized (RFC 3261 §22.2: the request sent again carries the credentials for the challenge)']);
    expect(io.out.text + io.err.text).not.toContain('secret-pw');
  });
});
