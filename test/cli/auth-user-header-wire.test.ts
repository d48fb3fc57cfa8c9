// `-H 'Authorization: …'` with a registrar that challenges (a UDP listener on loopback): the
// REGISTER sent again for the 401 (RFC 3261 §22.2) and the un-REGISTER after Ctrl-C (pro-active
// credentials, §22.3) each carry ONE Authorization, the computed one; a note says the user's was
// replaced. Before: the un-REGISTER carried two (the user's and the computed one).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe("the user's -H Authorization and a 401 on the wire", () => {
  it('register --refresh: every REGISTER carries at most one Authorization; after the 401, the Digest one', async () => {
    let n = 0;
    peer = await startHostilePeer((req) => {
      if (req.method !== 'REGISTER') return undefined;
      if (++n === 1) return reply(req, 401, 'Unauthorized', { headers: ['WWW-Authenticate: Digest realm="example.com", nonce="n1", qop="auth"'] });
      const contact = req.get('Contact', 'm') ?? '<sip:x@127.0.0.1>';
      return reply(req, 200, 'OK', { headers: [`Contact: ${contact};expires=${req.get('Expires') ?? '3600'}`] });
    });
    const io = fakeIo({ SIPCALL_PASSWORD: 'secret-pw' });
    const done = run(['register', `sip:alice@127.0.0.1:${peer.port}`, '--refresh', '--user', 'alice', '--no-input', '--json', '-H', 'Authorization: Bearer user-token'], io);
    for (let i = 0; i < 300 && peer.requests('REGISTER').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // the 200 is read and the refresh armed
    io.interrupt();
    expect(await done).toBe(130); // Ctrl-C, after the un-REGISTER was sent as due

    const sent = peer.requests('REGISTER');
    expect(sent).toHaveLength(3); // REGISTER (401), REGISTER with credentials (200), un-REGISTER (200)
    expect(sent[0]!.all('Authorization')).toEqual(['Bearer user-token']);
    for (const r of sent.slice(1)) {
      const auth = r.all('Authorization');
      expect(auth, r.text).toHaveLength(1);
      expect(auth[0]).toMatch(/^Digest username="alice", realm="example\.com", nonce="n1"/);
    }
    expect(sent[2]!.all('Expires')).toEqual(['0']);
    const notes = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as { type: string; code?: string; text?: string }).filter((e) => e.code === 'header-replaced');
    expect(notes.map((e) => e.text)).toEqual(['--header Authorization: replaced by the credentials sipcall computed for the 401 Unauthorized (RFC 3261 §22.2: the request sent again carries the credentials for the challenge)']);
    expect(io.out.text + io.err.text).not.toContain('secret-pw');
  });
});
