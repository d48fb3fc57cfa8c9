// The password and the HA1 never appear in any output (docs/auth.md): every command (invite,
// options, register, bye, request) in every output mode, with a known password (given the
// riskiest way: --password on the command line) and with a known HA1, against a real
// challenging Kamailio (test/kamailio; INVITE and MESSAGE relayed to sipcall's own `answer`
// UAS), searching all of stdout and stderr. Also the other sources (SIPCALL_PASSWORD,
// --password-file), a rejected password, and usage errors about the secrets themselves.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { SipEvent } from '../../src/events/types.js';
import { fakeIo, type FakeIo } from '../support/fake-io.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';

usePeerCleanup();

// carol's password in test/kamailio/db/subscriber: a word no output would hold by chance.
const USER = 'carol';
const PASSWORD = 'wonderland';
const HA1 = createHash('md5').update(`${USER}:127.0.0.1:${PASSWORD}`).digest('hex');
const MODES: ReadonlyArray<readonly string[]> = [[], ['--color'], ['-v'], ['--json'], ['--json', '-v'], ['--ladder'], ['-v', '--ladder', '--timers'], ['-q']];

/** Every place a secret could show: stdout and stderr, and the upper-case HA1 too. */
function leaks(io: FakeIo, secrets: readonly string[]): string[] {
  const all = io.out.text + io.err.text;
  return secrets.filter((s) => all.includes(s) || all.toLowerCase().includes(s.toLowerCase()));
}

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; io: FakeIo }> {
  const io = fakeIo(env);
  const code = await run(argv, io);
  return { code, io };
}

function jsonEvents(io: FakeIo): SipEvent[] {
  return io.out.text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as SipEvent);
}

describe('secrets: usage errors never echo them', () => {
  it('a bad --ha1 value is refused without showing it (exit 2)', async () => {
    for (const bad of [`${PASSWORD}-not-hex`, HA1.slice(1), `${HA1}0`, `${HA1.slice(0, 31)}g`]) {
      const { code, io } = await cli(['options', '127.0.0.1:9', '--ha1', bad]);
      expect(code).toBe(2);
      expect(io.err.text).toContain('--ha1 must be 32 hex digits (MD5) or 64 (SHA-256)');
      expect(io.err.text).not.toContain(bad);
      expect(leaks(io, [PASSWORD, HA1.slice(1)])).toEqual([]);
    }
  });

  it('two secrets at once, an empty file, a missing file, a stray flag: no secret in the message', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-secrets-'));
    try {
      const empty = path.join(dir, 'empty');
      writeFileSync(empty, `\n${PASSWORD}\n`);
      const cases: string[][] = [
        ['options', '127.0.0.1:9', '--password', PASSWORD, '--ha1', HA1],
        ['options', '127.0.0.1:9', '--password-file', empty],
        ['options', '127.0.0.1:9', '--password-file', path.join(dir, 'missing')],
        ['register', 'carol@127.0.0.1:9', '--password', PASSWORD, '--expires', 'soon'],
        ['register', 'carol@127.0.0.1:9', '--ha1', HA1, '--user', 'bob'],
        ['options', '127.0.0.1:9', '--pasword', PASSWORD],
        ['options', '127.0.0.1:9', '--user', 'carol'],
      ];
      for (const argv of cases) {
        const { code, io } = await cli(argv);
        expect(code, argv.join(' ')).toBe(2);
        expect(io.err.text.length).toBeGreaterThan(0);
        expect(leaks(io, [PASSWORD, HA1]), `${argv.join(' ')}\n${io.err.text}`).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(requirePeers('kamailio').skip)('secrets: never in any output, against a real Kamailio', () => {
  let k: KamailioPeer;
  let answer: { io: FakeIo; done: Promise<number> };
  let uasPort = 0;
  let dir = '';
  let passwordFile = '';

  beforeAll(async () => {
    k = await startKamailio();
    const io = fakeIo();
    answer = { io, done: run(['answer', '--port', '0', '--ring', '0', '--json'], io) };
    const deadline = Date.now() + 10_000;
    while (uasPort === 0 && Date.now() < deadline) {
      const m = /answering on 127\.0\.0\.1:(\d+)/.exec(io.out.text);
      if (m) uasPort = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(uasPort).toBeGreaterThan(0);
    dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-secrets-'));
    passwordFile = path.join(dir, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`);
  }, 30_000);

  afterAll(async () => {
    answer?.io.interrupt();
    await answer?.done;
    await k?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Each command, with the exit code it must end with (so the secret was really used). */
  function commands(): Array<{ name: string; argv: string[]; code: number }> {
    const uas = `port-${uasPort}@${k.hostPort}`;
    return [
      { name: 'invite', argv: ['invite', '--no-media', uas, '--user', USER, '--duration', '0'], code: 0 },
      { name: 'options', argv: ['options', k.hostPort, '--user', USER], code: 0 },
      { name: 'register', argv: ['register', `${USER}@${k.hostPort}`, '--expires', '30'], code: 0 },
      { name: 'bye', argv: ['bye', `sip:${uas}`, '--call-id', 'stuck@test', '--from-tag', 'a1', '--to-tag', 'b2', '--user', USER], code: 1 },
      { name: 'request', argv: ['request', 'MESSAGE', uas, '--user', USER, '--body', '-'], code: 0 },
    ];
  }

  const SECRETS: ReadonlyArray<{ label: string; args: string[] }> = [
    { label: '--password', args: ['--password', PASSWORD] },
    { label: '--ha1', args: ['--ha1', HA1] },
  ];

  for (const secret of SECRETS) {
    it(`${secret.label}: every command in every output mode; zero hits for the password and the HA1`, async () => {
      let runs = 0;
      for (const c of commands()) {
        for (const mode of MODES) {
          const argv = [...c.argv, ...secret.args, ...mode];
          const io = fakeIo({}, c.name === 'request' ? 'hello from the secrets test' : undefined);
          const code = await run(argv, io);
          runs++;
          const what = `sipcall ${argv.join(' ')}\n${io.out.text}\n${io.err.text}`;
          expect(code, what).toBe(c.code);
          expect(leaks(io, [PASSWORD, HA1]), what).toEqual([]);
          // the search does find what is there: the user name (not a secret) is printed
          if (mode.includes('-v') && !mode.includes('--ladder')) expect(io.out.text + io.err.text).toContain(USER);
          if (secret.label === '--password' && !mode.includes('-q')) expect(io.out.text + io.err.text, what).toContain('other users can see it in the process list');
        }
      }
      expect(runs).toBe(commands().length * MODES.length);
    }, 120_000);
  }

  it('the challenges were really answered (401/407 then 2xx), in JSON', async () => {
    for (const c of commands().filter((x) => x.name === 'register' || x.name === 'invite')) {
      const io = fakeIo({ SIPCALL_PASSWORD: PASSWORD });
      expect(await run([...c.argv, '--json', '-v'], io)).toBe(0);
      const statuses = jsonEvents(io).filter((e) => e.type === 'response.received').map((e) => (e as { status: number }).status);
      expect(statuses.some((s) => s === 401 || s === 407)).toBe(true);
      expect(leaks(io, [PASSWORD, HA1])).toEqual([]);
    }
  }, 30_000);

  it('SIPCALL_PASSWORD and --password-file: no hits either, in every mode', async () => {
    for (const mode of MODES) {
      for (const [env, extra] of [[{ SIPCALL_PASSWORD: PASSWORD }, []], [{}, ['--password-file', passwordFile]]] as const) {
        const io = fakeIo(env);
        const code = await run([...commands()[2]!.argv, ...extra, ...mode], io);
        expect(code, io.out.text + io.err.text).toBe(0);
        expect(leaks(io, [PASSWORD, HA1])).toEqual([]);
      }
    }
  }, 60_000);

  it('a rejected password: the outcome names realm, user and algorithm, never the password tried', async () => {
    const wrong = `${PASSWORD}-but-wrong`;
    for (const mode of MODES) {
      const io = fakeIo({ SIPCALL_PASSWORD: wrong });
      const code = await run([...commands()[2]!.argv, ...mode], io);
      expect(code).toBe(1);
      if (!mode.includes('-q')) expect((io.out.text + io.err.text).replace(/\\"/g, '"')).toContain('credentials rejected for realm "127.0.0.1" (user carol, algorithm MD5)');
      expect(leaks(io, [wrong, PASSWORD])).toEqual([]);
    }
  }, 60_000);
});
