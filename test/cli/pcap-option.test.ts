// `--pcap FILE` on the command line (docs/pcap.md): a path that cannot be written is a usage
// error (exit 2) before anything is sent; every command that talks to a peer takes the flag.
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import { fakeIo } from '../support/fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'sipcall-pcap-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--pcap FILE', () => {
  it('is taken by invite, options, register, bye, request, diagnose and answer', () => {
    const program = buildProgram('0', { out: () => {}, err: () => {} }, () => {});
    for (const name of ['invite', 'options', 'register', 'bye', 'request', 'diagnose', 'answer']) {
      const cmd = program.commands.find((c) => c.name() === name)!;
      expect(cmd.options.map((o) => o.long), name).toContain('--pcap');
    }
  });

  for (const [what, path, why] of [
    ['a missing directory', join(dir, 'no-such-dir', 'x.pcap'), /its directory does not exist \(ENOENT\)/],
    ['a directory', dir, /it is a directory \(EISDIR\)/],
  ] as const) {
    it(`${what}: exit 2 with the reason, and not one datagram reaches the target`, async () => {
      const peer = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
      let received = 0;
      peer.on('message', () => received++);
      try {
        const io = fakeIo();
        const code = await run(['options', `sip:127.0.0.1:${peer.address().port}`, '--pcap', path, '--no-input'], io);
        expect(code).toBe(2);
        expect(io.err.text).toMatch(new RegExp(`^sipcall: --pcap ${path.replace(/[/.]/g, '\\$&')}: cannot write it: ${why.source}; nothing was sent`));
        await new Promise((r) => setTimeout(r, 200));
        expect(received).toBe(0);
      } finally {
        peer.close();
      }
    });
  }

  it('answer with an unwritable --pcap: exit 2 before it listens', async () => {
    const io = fakeIo();
    expect(await run(['answer', '--pcap', join(dir, 'nope', 'a.pcap'), '--json'], io)).toBe(2);
    expect(io.out.text).not.toMatch(/answering on/);
    expect(io.err.text).toMatch(/--pcap .*cannot write it/);
  });

  it('diagnose with an unwritable --pcap: exit 2', async () => {
    const io = fakeIo();
    expect(await run(['diagnose', 'sip:127.0.0.1:9', '--pcap', join(dir, 'nope', 'd.pcap'), '--json'], io)).toBe(2);
    expect(io.out.text).toBe('');
  });
});
