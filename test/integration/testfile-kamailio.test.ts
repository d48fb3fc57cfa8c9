// `sipcall test` against a real Kamailio (registrar and proxy with digest auth, test/kamailio)
// and a real SIPp UAS behind it (`port-NNNN` users are relayed to it): the example file passes,
// deliberate failures exit 5 and point at FILE:LINE:COL, a file error exits 2 before anything
// is sent, a transport error exits 4, and the secret read from the environment is in no output.
// The issue's own example file (test/fixtures/testfile/issue-example.yaml, unchanged) passes
// against the WITH_OPEN_CALLS variant of the lab Kamailio (INVITEs not challenged, `echo`
// relayed to a SIPp UAS).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';
import { freePort, releasePort } from '../support/peers/ports.js';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';

usePeerCleanup();

const SECRET = 'secret';
const ENV = { ALICE_PASSWORD: SECRET };
const EXAMPLE = fileURLToPath('../../examples/pbx-smoke.yaml');
const FAILURES = fileURLToPath('../fixtures/testfile/failures.yaml');
const XSD = fileURLToPath('../fixtures/junit.xsd');

function fileURLToPath(rel: string): string {
  return new URL(rel, import.meta.url).pathname;
}

async function sipcall(argv: string[], env: Record<string, string> = ENV) {
  const io = fakeIo(env);
  const code = await run(['test', ...argv], io);
  return { code, out: io.out.text, err: io.err.text };
}

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('sipcall test against Kamailio and SIPp', () => {
  let k: KamailioPeer;
  let uas: SippPeer;
  let vars: string[];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-testfile-'));
  beforeAll(async () => {
    k = await startKamailio();
    uas = await startSipp({ scenario: 'uas-full.xml' });
    vars = ['--var', `pbx=${k.hostPort}`, '--var', `callee=port-${uas.port}`];
  });
  afterAll(async () => {
    await uas?.stop();
    await k?.stop();
  });

  it('runs examples/pbx-smoke.yaml: every test passes, exit 0', async () => {
    const junit = path.join(dir, 'smoke.xml');
    const r = await sipcall([EXAMPLE, ...vars, '--junit', junit]);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/✓ the PBX answers OPTIONS \(\d+\.\d{3} s\)/);
    expect(r.out).toMatch(/✓ a call is answered and ended \(1\.\d{3} s\)/);
    expect(r.out).toContain('4 tests: 4 passed');
    // the BYE went through the proxy to SIPp and was answered there
    expect(await uas.messageLog(/BYE sip:/)).toMatch(/BYE sip:/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="4" failures="0" errors="0"');
  });

  it('deliberate failures: exit 5, FILE:LINE:COL with a caret, expected and actual, the ladder', async () => {
    const r = await sipcall([FAILURES, ...vars]);
    expect(r.code).toBe(5);
    expect(r.out).toContain(`${FAILURES}:9:19: OPTIONS: status 200, expected 404 (step 1)`);
    expect(r.out).toContain('9 |         expect: { status: 404 }');
    expect(r.out).toMatch(/:14:37: REGISTER: header Server is "kamailio[^"]*", expected \/Asterisk\//);
    expect(r.out).toMatch(/REGISTER: status 401, expected 2xx/);
    expect(r.out).toMatch(/INVITE: provisional responses \[100, 180\], expected \[100, 183\]/);
    expect(r.out).toMatch(/\|-+ REGISTER -+>\|/);
    expect(r.out).toContain('5 tests: 0 passed, 5 failed');
  });

  it('never prints the secret: pretty, --json -v, --tap, --junit, GitHub annotations and summary', async () => {
    const junit = path.join(dir, 'f.xml');
    const summary = path.join(dir, 'summary.md');
    const gh = { ...ENV, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary };
    const outputs = [
      await sipcall([FAILURES, ...vars, '--junit', junit], gh),
      await sipcall([FAILURES, ...vars, '--json', '-v'], gh),
      await sipcall([FAILURES, ...vars, '--tap'], gh),
    ];
    const all = [...outputs.flatMap((o) => [o.out, o.err]), readFileSync(junit, 'utf8'), readFileSync(summary, 'utf8')];
    for (const text of all) expect(text).not.toContain(SECRET);
    // The masked header did go out: its place shows in the wire text, masked.
    expect(outputs[1]!.out).toContain('X-Leak: pw=********');
    expect(outputs[0]!.out).toMatch(/^::error file=.*failures\.yaml,line=9,col=19,title=sipcall test%3A wrong status::/m);
    expect(readFileSync(summary, 'utf8')).toContain('| ❌ |');
    // --json: every event names its test; one result per test, in file order
    const lines = outputs[1]!.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; test?: string; name?: string });
    expect(lines.every((l) => l.type === 'test.summary' || typeof l.test === 'string')).toBe(true);
    expect(lines.filter((l) => l.type === 'test.result').map((l) => l.name)).toEqual(['wrong status', 'wrong header', 'the password in a header', "bob with alice's password", 'the call sends no 183']);
    // --tap
    expect(outputs[2]!.out).toMatch(/^TAP version 13\n1\.\.5\nnot ok 1 - /);
    // JUnit: valid against the XSD
    const { execFileSync } = await import('node:child_process');
    execFileSync('xmllint', ['--noout', '--schema', XSD, junit], { stdio: 'pipe' });
  });

  it('a file error exits 2 and sends nothing; --validate checks without sending', async () => {
    const bad = fileURLToPath('../fixtures/testfile/bad-target.yaml');
    const r = await sipcall([bad, '--json', ...vars]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/bad-target\.yaml:8:9: .*\n8 \|       - options: "sip:alice@"\n  \|         \^/);
    const v = await sipcall([EXAMPLE, '--validate', ...vars]);
    expect([v.code, v.out]).toEqual([0, `${EXAMPLE}: 4 tests, valid\n`]);
    const noEnv = await sipcall([EXAMPLE, ...vars], {});
    expect(noEnv.code).toBe(2);
    expect(noEnv.err).toMatch(/pbx-smoke\.yaml:\d+:\d+: the environment variable ALICE_PASSWORD is not set/);
  });

  it('a test that cannot reach its peer exits 4; --jobs keeps file order', async () => {
    const port = await freePort();
    const r = await sipcall([fileURLToPath('../fixtures/testfile/unreachable.yaml'), '--var', `port=${port}`, '--json']);
    releasePort(port);
    expect(r.code).toBe(4);
    const many = await sipcall([EXAMPLE, EXAMPLE, ...vars, '--jobs', '4', '--only', 'alice registers', '--only', 'the PBX answers OPTIONS']);
    expect(many.code, many.out).toBe(0);
    expect(many.out.match(/✓ [^(]+/g)!.map((s) => s.trim())).toEqual(['✓ the PBX answers OPTIONS', '✓ alice registers', '✓ the PBX answers OPTIONS', '✓ alice registers']);
  });
});

describe.skipIf(requirePeers('kamailio', 'sipp').skip)("the issue's example file, as written, against Kamailio WITH_OPEN_CALLS", () => {
  const ISSUE = fileURLToPath('../fixtures/testfile/issue-example.yaml');
  let k: KamailioPeer;
  let echo: SippPeer;
  beforeAll(async () => {
    // the echo target: answers 100, 180, 200 (SDP), takes ACK and BYE; echoes our RTP back
    echo = await startSipp({ scenario: 'uas-full.xml', rtpEcho: true });
    k = await startKamailio({ defines: ['WITH_OPEN_CALLS', `ECHO_PORT=${echo.port}`] });
  });
  afterAll(async () => {
    await echo?.stop();
    await k?.stop();
  });

  it('is the text of the issue, byte for byte (only --var overrides pbx)', () => {
    expect(createHash('sha256').update(readFileSync(ISSUE)).digest('hex')).toBe('f9e44f0b066a3197e08466fc1e3d6487d99bae72fea70e945b3cb890617271a7');
  });

  it('passes: exit 0, every test ✓, the password in no output', async () => {
    const password = k.users.find((u) => u.username === 'alice')!.password;
    const io = fakeIo({ ALICE_PASSWORD: password });
    const code = await run(['test', ISSUE, '--var', `pbx=${k.hostPort}`], io);
    const out = io.out.text;
    expect(io.err.text).toBe('');
    expect(code, out).toBe(0);
    expect(out).toMatch(/✓ alice registers \(\d+\.\d{3} s\)/);
    expect(out).toMatch(/✓ a call is answered and ended \(2\.\d{3} s\)/);
    expect(out).toMatch(/✓ unknown user is rejected \(\d+\.\d{3} s\)/);
    expect(out).not.toContain('✗');
    expect(out).toContain('3 tests: 3 passed');
    expect(out + io.err.text).not.toContain(password);
    // the call reached the echo UAS through the proxy, and so did the BYE
    expect(await echo.messageLog(/BYE sip:/)).toMatch(/INVITE sip:echo@[\s\S]*BYE sip:/);
    // --json -v (every message on the wire): the password is masked there too
    const json = fakeIo({ ALICE_PASSWORD: password });
    expect(await run(['test', ISSUE, '--var', `pbx=${k.hostPort}`, '--json', '-v'], json)).toBe(0);
    expect(json.out.text).toMatch(/Authorization: Digest/);
    expect(json.out.text + json.err.text).not.toContain(password);
  });

  it('the same file fails against the default lab Kamailio (every INVITE challenged): the variant is what makes it pass', async () => {
    const plain = await startKamailio();
    try {
      const io = fakeIo({ ALICE_PASSWORD: 'secret' });
      const code = await run(['test', ISSUE, '--var', `pbx=${plain.hostPort}`], io);
      expect(code).toBe(5);
      expect(io.out.text).toMatch(/✗ a call is answered and ended/);
      expect(io.out.text).toMatch(/INVITE: status 407, expected 2xx/);
    } finally {
      await plain.stop();
    }
  });
});
