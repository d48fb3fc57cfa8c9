// Issue 14 §6, terminal escape injection: a peer whose reason phrase and Server, User-Agent,
// Allow, Supported and Warning values carry ESC[2J (clear screen), OSC window titles, a C1 CSI
// and a bidi override. Pretty, ladder, -v and prompt output show them escaped (`\x1b`); JSON
// lines keep the exact values (escaped as JSON does). src/present/visible.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo, fakeTtyIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer } from '../support/hostile-peer/index.js';

/** Any C0 control but TAB and LF, DEL, a C1 control, or a bidi control. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

const REASON = 'Forbidden\x1b[2J\x1b]0;pwned\x07';
// Header lines as bytes (latin1 strings): \xc2\x9b is U+009B (CSI) in UTF-8, \xe2\x80\xae U+202E.
const HOSTILE_HEADERS = [
  'Server: evil\x1b[2J/1.0',
  'User-Agent: ua\x1b]0;title\x07',
  'Allow: INVITE, \x1b[31mBYE',
  'Supported: timer\xc2\x9b2J',
  'Warning: 399 evil.example "\x1b[2Jgone\xe2\x80\xae"',
];

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function hostile(): Promise<HostilePeer> {
  peer = await startHostilePeer((req) => reply(req, 403, REASON, { headers: HOSTILE_HEADERS }));
  return peer;
}

describe('a peer that sends terminal escapes', () => {
  const modes: string[][] = [[], ['-v'], ['--ladder'], ['--ladder', '-v'], ['--timers'], ['-q']];
  for (const mode of modes) {
    it(`plain output ${mode.join(' ') || '(default)'}: no raw control reaches stdout or stderr`, async () => {
      const p = await hostile();
      const io = fakeIo();
      expect(await run(['options', `sip:bob@127.0.0.1:${p.port}`, '--no-input', ...mode], io)).toBe(1);
      expect(io.out.text).toContain('403 Forbidden\\x1b[2J\\x1b]0;pwned\\x07');
      expect(RAW_CONTROL.test(io.out.text)).toBe(false);
      expect(RAW_CONTROL.test(io.err.text)).toBe(false);
      if (!mode.includes('-q')) expect(io.out.text).toContain('the peer says: Allow: INVITE, \\x1b[31mBYE; Supported: timer\\x9b2J; Server: evil\\x1b[2J/1.0; User-Agent: ua\\x1b]0;title\\x07');
      if (mode.includes('-v') && !mode.includes('--ladder')) {
        for (const shown of ['Server: evil\\x1b[2J/1.0', 'User-Agent: ua\\x1b]0;title\\x07', 'Allow: INVITE, \\x1b[31mBYE', 'Supported: timer\\x9b2J', 'Warning: 399 evil.example "\\x1b[2Jgone\\u{202e}"']) {
          expect(io.out.text).toContain(shown);
        }
      }
    });
  }

  it('--json keeps the exact values, escaped as JSON does (no raw control on stdout)', async () => {
    const p = await hostile();
    const io = fakeIo();
    expect(await run(['options', `sip:bob@127.0.0.1:${p.port}`, '--no-input', '--json', '-v'], io)).toBe(1);
    expect(RAW_CONTROL.test(io.out.text)).toBe(false);
    const events = io.out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.type === 'response.received')?.reason).toBe(REASON);
    expect(events.find((e) => e.type === 'result')?.reason).toBe(REASON);
    const inbound = events.find((e) => e.type === 'wire' && e.direction === 'in')?.text as string;
    expect(inbound).toContain('Server: evil\x1b[2J/1.0\r\n');
    expect(inbound).toContain('Supported: timer\u009b2J\r\n');
    expect(inbound).toContain('"\x1b[2Jgone\u202e"');
  });
});

describe('the password prompt', () => {
  it('shows the realm of a hostile challenge with its controls escaped', async () => {
    const realm = 'evil\x1b]0;pwned\x07\x1b[2J';
    peer = await startHostilePeer((req) =>
      /^Authorization:/im.test(req.text) ? reply(req, 200, 'OK') : reply(req, 401, 'Unauthorized', { headers: [`WWW-Authenticate: Digest realm="${realm}", nonce="abc123", algorithm=MD5`] }),
    );
    const io = fakeTtyIo();
    const done = run(['options', `sip:bob@127.0.0.1:${peer.port}`, '--user', 'alice'], io);
    for (let i = 0; i < 50 && !io.err.text.includes('Password for'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(io.err.text).toContain('Password for alice (realm "evil\\x1b]0;pwned\\x07\\x1b[2J")');
    // inquirer draws with its own escapes; the peer's never reach the terminal raw.
    expect(io.err.text).not.toContain('\x1b]0;pwned');
    io.type('secret\r');
    expect(await done).toBe(0);
  }, 10_000);
});

describe('sipcall explain', () => {
  it('shows a pasted message\'s controls escaped; --json keeps them exact', async () => {
    const msg = `SIP/2.0 486 Busy\x1b[2J Here\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK\x1b]0;t\x07x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: id\x9b31m\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`;
    const io = fakeIo({}, msg);
    await run(['explain', '-'], io);
    expect(io.out.text).toContain('SIP/2.0 486 Busy\\x1b[2J Here');
    expect(RAW_CONTROL.test(io.out.text)).toBe(false);
    expect(RAW_CONTROL.test(io.err.text)).toBe(false);
    const json = fakeIo({}, msg);
    await run(['explain', '-', '--json'], json);
    expect(RAW_CONTROL.test(json.out.text)).toBe(false);
    expect((JSON.parse(json.out.text.trim().split('\n')[0]!) as { startLine: string }).startLine).toBe('SIP/2.0 486 Busy\x1b[2J Here');
  });
});
