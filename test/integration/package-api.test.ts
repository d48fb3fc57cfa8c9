// The published package, as a user gets it: `npm pack`, install the tarball in a temporary
// project, type-check TypeScript against its .d.ts files (ESM and CommonJS, no skipLibCheck),
// then run an ES module script, a CommonJS script and the examples in examples/library/ that
// ping (OPTIONS) and call (INVITE, ACK, BYE) a real SIPp on loopback.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { parseSippLog, sippSequence } from './uac-helpers.js';

usePeerCleanup();

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(cmd: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const npm = (args: string[], cwd: string) => exec('npm', args, cwd);

/** The TypeScript a user writes: ESM (the consumer is "type": "module"). */
const ESM_TS = `
import { call, options, parseContacts, UsageError, type CallResult, type OptionsResult, type SipEvent, type SipRun } from 'sipcall';

const [, , optionsTarget, callTarget] = process.argv;
if (!optionsTarget || !callTarget) throw new Error('usage: node esm.js OPTIONS_TARGET CALL_TARGET');

// The typed API refuses what the runtime would misread: parseContacts takes the list elements.
// @ts-expect-error a string is not a readonly string[] (it would be read one character at a time)
parseContacts('<sip:a@b>');
const contacts: number = parseContacts(['<sip:a@b>']).contacts.length;

const seen: SipEvent['type'][] = [];
const ping: SipRun<OptionsResult> = options(optionsTarget, { timers: { t1: 100 }, onEvent: (e) => seen.push(e.type) });
const pong = await ping;
const run = call(callTarget, { media: false, duration: 0.2 });
const types: string[] = [];
for await (const e of run.events) types.push(e.type);
const answered: CallResult = await run;
let typed = false;
try {
  await options('http://not-sip');
} catch (err) {
  typed = err instanceof UsageError;
}
console.log(JSON.stringify({ module: 'esm', contacts, options: { status: pong.status, ok: pong.ok, allow: pong.capabilities.allow, last: seen.at(-1) }, call: { status: answered.status, outcome: answered.outcome, provisionals: answered.provisionals.map((p) => p.status), callId: answered.dialog?.callId, last: types.at(-1) }, typed }));
`;

/** The same from CommonJS (a .cts file compiles to require('sipcall')). */
const CJS_CTS = `
import { call, options, UsageError } from 'sipcall';
import sipcall = require('sipcall');

async function main(): Promise<void> {
  const [, , optionsTarget, callTarget] = process.argv;
  if (!optionsTarget || !callTarget) throw new Error('usage: node cjs.cjs OPTIONS_TARGET CALL_TARGET');
  // @ts-expect-error a number is not a target
  void sipcall.options(5060).catch(() => undefined);
  const pong = await options(optionsTarget, { timers: { t1: 100 } });
  const answered = await call(callTarget, { media: false, duration: 0.2 });
  const typed = await options('sip:').then(() => false, (err: unknown) => err instanceof UsageError);
  console.log(JSON.stringify({ module: typeof require === 'function' && typeof module === 'object' ? 'cjs' : 'esm', options: { status: pong.status, ok: pong.ok }, call: { status: answered.status, outcome: answered.outcome, callId: answered.dialog?.callId }, typed }));
}
void main();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    // The package's own .d.ts files are checked too: they must stand on their own.
    skipLibCheck: false,
    outDir: 'out',
  },
  include: ['src'],
};

describe.skipIf(requirePeers('sipp').skip)('the packed package (npm pack → install → tsc → node)', () => {
  let work: string;
  let project: string;
  let tarball: string;
  let packed: string[];
  const peers: SippPeer[] = [];
  let optionsPeer: SippPeer;
  let callPeer: SippPeer;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'sipcall-pack-'));
    // `npm test` builds dist/ first; build it here only when it is missing.
    if (!existsSync(path.join(ROOT, 'dist', 'index.cjs')) || !existsSync(path.join(ROOT, 'dist', 'types', 'index.d.ts'))) {
      const b = await exec(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], ROOT);
      expect(b.code, b.stderr).toBe(0);
    }
    // --ignore-scripts: pack the dist/ just built rather than rebuilding it under other runs' feet.
    const p = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(p.code, p.stderr).toBe(0);
    const info = JSON.parse(p.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, info[0]!.filename);
    packed = info[0]!.files.map((f) => f.path);

    project = path.join(work, 'consumer');
    mkdirSync(path.join(project, 'src'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'sipcall-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));
    // Offline from the npm cache (the repo's dependencies are in it); the registry only if not.
    const deps = [tarball, `@types/node@${readPkg().devDependencies['@types/node']}`];
    let inst = await npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...deps], project);
    if (inst.code !== 0) inst = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...deps], project);
    expect(inst.code, `${inst.stdout}\n${inst.stderr}`).toBe(0);

    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(path.join(project, 'src', 'esm.ts'), ESM_TS);
    writeFileSync(path.join(project, 'src', 'cjs.cts'), CJS_CTS);
    for (const f of ['options-ping.ts', 'call-and-check.ts']) copyFileSync(path.join(ROOT, 'examples', 'library', f), path.join(project, 'src', f));

    optionsPeer = await startSipp({ scenario: 'uas-options.xml' });
    peers.push(optionsPeer);
    callPeer = await startSipp({ scenario: 'uas-full.xml' });
    peers.push(callPeer);
    // The README's library example, as written, with the peers' addresses.
    writeFileSync(
      path.join(project, 'src', 'readme.ts'),
      readmeExample().replaceAll('sip:bob@127.0.0.1:5060', `sip:bob@${callPeer.hostPort}`).replaceAll('sip:127.0.0.1:5060', `sip:${optionsPeer.hostPort}`),
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.all(peers.splice(0).map((p) => p.stop()));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The ```ts block of the README's "As a library" section. */
  function readmeExample(): string {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## As a library'));
    const m = /```ts\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 5)));
    expect(m, 'a ```ts block in the README section "As a library"').not.toBeNull();
    return m![1]!;
  }

  function readPkg(): { scripts: Record<string, string>; devDependencies: Record<string, string> } {
    return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as never;
  }

  it('the tarball holds both entries, both declaration trees, and every file its lifecycle scripts name', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/cli.cjs', 'dist/types/index.d.ts', 'dist/types/api/index.d.ts', 'dist/types-cjs/index.d.ts', 'dist/types-cjs/package.json', 'bin/sipcall.cjs', 'package.json']) {
      expect(packed, f).toContain(f);
    }
    expect(packed.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const scripts = readPkg().scripts;
    for (const name of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack']) {
      const m = /^node\s+(\S+)/.exec(scripts[name] ?? '');
      if (m) expect(packed, `the ${name} script runs ${m[1]}`).toContain(m[1]);
    }
  });

  it('the installed package type-checks (tsc --noEmit, no skipLibCheck): ESM, CommonJS, the examples; a deep import is refused', async () => {
    const check = await exec(process.execPath, [TSC, '--noEmit', '-p', project], project);
    expect(check.code, check.stdout).toBe(0);
    // A deep import is not exported: neither Node nor tsc lets it through.
    writeFileSync(path.join(project, 'src', 'deep.ts'), "import { parseContacts } from 'sipcall/dist/index.js';\nparseContacts('<sip:a@b>');\n");
    const deep = await exec(process.execPath, [TSC, '--noEmit', '-p', project], project);
    rmSync(path.join(project, 'src', 'deep.ts'));
    expect(deep.code).not.toBe(0);
    expect(deep.stdout).toMatch(/deep\.ts.*(TS2307|TS2305|TS2724|TS2345)/);
    const emitted = await exec(process.execPath, [TSC, '-p', project], project);
    expect(emitted.code, emitted.stdout).toBe(0);
    expect(existsSync(path.join(project, 'out', 'cjs.cjs'))).toBe(true);
  }, 240_000);

  it('an ES module script pings and calls SIPp through import … from "sipcall"', async () => {
    const r = await exec(process.execPath, [path.join(project, 'out', 'esm.js'), `sip:${optionsPeer.hostPort}`, `sip:bob@${callPeer.hostPort}`], project, 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(out).toMatchObject({ module: 'esm', contacts: 1, typed: true });
    expect(out.options).toMatchObject({ status: 200, ok: true, last: 'result' });
    expect(out.options.allow).toContain('INVITE');
    expect(out.call).toMatchObject({ status: 200, outcome: 'success', provisionals: [100, 180], last: 'result' });
    const log = parseSippLog(await callPeer.messageLog(out.call.callId));
    const mine = log.filter((m) => m.header('Call-ID') === out.call.callId);
    expect(sippSequence(mine)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
  });

  it('a CommonJS script does the same through require("sipcall")', async () => {
    const r = await exec(process.execPath, [path.join(project, 'out', 'cjs.cjs'), `sip:${optionsPeer.hostPort}`, `sip:bob@${callPeer.hostPort}`], project, 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(out).toMatchObject({ module: 'cjs', typed: true, options: { status: 200, ok: true }, call: { status: 200, outcome: 'success' } });
    const log = parseSippLog(await callPeer.messageLog(out.call.callId));
    expect(sippSequence(log.filter((m) => m.header('Call-ID') === out.call.callId))).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
    // And plain require() of the installed package, without TypeScript.
    const plain = await exec(process.execPath, ['-e', "const s = require('sipcall'); console.log(typeof s.call, typeof s.options, typeof s.register, typeof s.request)"], project);
    expect(plain.stdout.trim()).toBe('function function function function');
  });

  it('examples/library/options-ping.ts and call-and-check.ts run against SIPp', async () => {
    const ping = await exec(process.execPath, [path.join(project, 'out', 'options-ping.js'), `sip:${optionsPeer.hostPort}`], project, 60_000);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/: 200 OK in \d+\.\d ms/);
    expect(ping.stdout).toMatch(/server: SIPp UAS \(sipcall test peer\)/);
    const checked = await exec(process.execPath, [path.join(project, 'out', 'call-and-check.js'), `sip:bob@${callPeer.hostPort}`], project, 60_000);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/180 Ringing \(INVITE\)/);
    expect(checked.stdout).toMatch(/\n {2}OK\n?$/);
    const readme = await exec(process.execPath, [path.join(project, 'out', 'readme.js')], project, 60_000);
    expect(readme.code, readme.stderr).toBe(0);
    expect(readme.stdout).toMatch(/^200 false \d+(\.\d+)? \[[^\]]*'INVITE'/);
    expect(readme.stdout).toMatch(/\nsuccess \[ 100, 180 \] \S+/);
    // And a failing ping fails: nothing answers on the discard port.
    const silent = await exec(process.execPath, [path.join(project, 'out', 'options-ping.js'), 'sip:127.0.0.1:9'], project, 60_000);
    expect(silent.code).not.toBe(0);
  });
});
