// Issue 14 §1, docs/pcap.md: on every command that takes `--pcap FILE` (or `--pcap-dir DIR`), a
// path that cannot be written is a usage error, exit 2, with one line naming the path and the
// reason, BEFORE anything is sent. One table over the commands, run through the built binary
// (`node bin/sipcall.cjs`, so `node scripts/build.mjs` first): the commands are found in the
// commander program itself, so a command that gains a `--pcap…` option (`load`, when it lands)
// is in the table or this file fails.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

/** How long the sink keeps listening after the process has exited. */
const QUIET_MS = 300;

const dir = mkdtempSync(join(tmpdir(), 'sipcall-pcap-option-'));
/** A regular file: `FILE/x.pcap` cannot be created (ENOTDIR) whoever we are, root included. */
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'not a directory\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error('dist/cli.cjs is missing: run `node scripts/build.mjs` before this test');
});

/**
 * How each command is run against the sink on 127.0.0.1:`port` (UDP and TCP on the same port),
 * without its `--pcap…` flag. `load` is the coming command of issue 13 (docs/load.md): its row
 * runs as soon as the program declares it.
 */
const ROWS: Record<string, (port: number) => string[]> = {
  invite: (port) => ['invite', `sip:bob@127.0.0.1:${port}`, '--no-input'],
  options: (port) => ['options', `sip:127.0.0.1:${port}`, '--no-input'],
  register: (port) => ['register', `sip:alice@127.0.0.1:${port}`, '--no-input'],
  bye: (port) => ['bye', `sip:bob@127.0.0.1:${port}`, '--call-id', 'stuck@sipcall', '--from-tag', 'a1', '--to-tag', 'b2', '--no-input'],
  request: (port) => ['request', 'MESSAGE', `sip:bob@127.0.0.1:${port}`, '--no-input'],
  diagnose: (port) => ['diagnose', `sip:127.0.0.1:${port}`, '--invite', '--no-input'],
  // The sink holds the port (UDP and TCP): had `answer` bound before checking the path, the
  // bind would have failed ("already in use"), not the path (the control case proves it).
  answer: (port) => ['answer', '--address', '127.0.0.1', '--port', String(port), '--duration', '2'],
  test: (port) => ['test', testFile(port)],
  load: (port) => ['load', `sip:127.0.0.1:${port}`, '--scenario', 'options', '--rate', '10', '--calls', '1'],
};

/** Commands of issue 14 §1 that must take `--pcap…` (the table may hold more). */
const MUST_HAVE = ['invite', 'options', 'register', 'bye', 'request', 'diagnose', 'answer', 'test'];
/** Rows for commands that do not exist yet: allowed, and run once they do. */
const NOT_YET = new Set<string>();

/** A minimal test file (docs/testfile.md): one OPTIONS step to the sink. */
function testFile(port: number): string {
  const path = join(dir, `sink-${port}.yaml`);
  writeFileSync(path, `tests:\n  - name: reaches the sink\n    steps:\n      - options: "sip:127.0.0.1:${port}"\n`);
  return path;
}

interface PcapOption {
  /** `invite`, or `load merge` for a sub-command. */
  command: string;
  /** `--pcap` or `--pcap-dir`. */
  flag: string;
}

/** Every command (sub-commands too) of the program and its options whose long name starts with `--pcap`. */
function walk(cmd: Command, prefix = ''): Array<{ command: string; flags: string[] }> {
  return cmd.commands.flatMap((c) => {
    const command = `${prefix}${c.name()}`;
    const flags = c.options.map((o) => o.long ?? '').filter((l) => l.startsWith('--pcap'));
    return [{ command, flags }, ...walk(c, `${command} `)];
  });
}

const commands = walk(buildProgram('0', { out: () => {}, err: () => {} }, () => {}));
const withPcap: PcapOption[] = commands.flatMap((c) => c.flags.map((flag) => ({ command: c.command, flag })));

/** Paths that cannot be written, by kind of option, and the reason the line must give. */
function badPaths(flag: string): Array<{ what: string; path: string; why: RegExp }> {
  if (flag.endsWith('-dir')) {
    return [
      { what: 'a regular file', path: aFile, why: /it is not a directory/ },
      { what: 'a missing directory', path: join(dir, 'no-such-dir'), why: /it does not exist/ },
    ];
  }
  return [
    { what: 'a path under a regular file', path: join(aFile, 'x.pcap'), why: /a part of the path is not a directory \(ENOTDIR\)/ },
    { what: 'a directory', path: dir, why: /it is a directory \(EISDIR\)/ },
    { what: 'a missing directory', path: join(dir, 'no-such-dir', 'x.pcap'), why: /its directory does not exist \(ENOENT\)/ },
  ];
}

interface Sink {
  port: number;
  datagrams: number;
  connections: number;
  /** Resolves at the first datagram or connection. */
  first: Promise<void>;
  close(): Promise<void>;
}

/** A UDP socket and a TCP listener on the same loopback port, counting what reaches them. */
async function openSink(): Promise<Sink> {
  for (let attempt = 0; ; attempt++) {
    const tcp = net.createServer();
    await new Promise<void>((resolve, reject) => tcp.once('error', reject).listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) {
      udp.close();
      await new Promise((r) => tcp.close(r));
      if (attempt > 20) throw new Error('no loopback port free for both UDP and TCP');
      continue;
    }
    let arrived!: () => void;
    const sockets: net.Socket[] = [];
    const sink: Sink = {
      port,
      datagrams: 0,
      connections: 0,
      first: new Promise<void>((r) => (arrived = r)),
      close: async () => {
        for (const s of sockets) s.destroy();
        udp.close();
        await new Promise((r) => tcp.close(r));
      },
    };
    udp.on('message', () => {
      sink.datagrams++;
      arrived();
    });
    tcp.on('connection', (s) => {
      sink.connections++;
      sockets.push(s.on('error', () => {}));
      arrived();
    });
    return sink;
  }
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/sipcall.cjs ARGS`, no TTY; `stopWhen` resolving kills it (the control runs). */
function sipcall(args: string[], stopWhen?: Promise<void>): Promise<Ran> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const limit = setTimeout(() => child.kill('SIGKILL'), 8000);
  void stopWhen?.then(() => child.kill('SIGKILL'));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    });
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('--pcap… on every command that talks to a peer', () => {
  it('the program is walked: the commands of issue 14 §1 take it, and every row names a command that does', () => {
    const found = new Set(withPcap.map((o) => o.command));
    for (const name of MUST_HAVE) expect(found.has(name), `${name} has no --pcap… option`).toBe(true);
    const declared = new Set(commands.map((c) => c.command));
    for (const name of Object.keys(ROWS)) {
      if (declared.has(name)) expect(found.has(name), `${name} talks to a peer but has no --pcap… option`).toBe(true);
      else expect(NOT_YET.has(name), `the table has a row for ${name}, which the program does not declare`).toBe(true);
    }
  });

  for (const { command, flag } of withPcap) {
    describe.concurrent(`${command} ${flag}`, () => {
      it('has a row in the table (add one: how to run it against the sink)', () => {
        expect(ROWS[command], `no row for "${command}" in ROWS`).toBeDefined();
      });

      it('control: with a writable path the same command line reaches the sink (so "nothing arrived" below means something)', { timeout: 10_000 }, async () => {
        const row = ROWS[command];
        if (!row) return expect.fail(`no row for "${command}"`);
        const sink = await openSink();
        try {
          const ran = await sipcall([...row(sink.port), flag, flag.endsWith('-dir') ? dir : join(dir, `ok-${sink.port}.pcap`)], sink.first);
          if (command === 'answer') {
            // A listener reaches no one: it tries to bind the port the sink holds.
            expect(ran.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${sink.port}\\S*: the port is already in use`));
            expect(ran.code).toBe(4);
          } else {
            expect(sink.datagrams + sink.connections, ran.stderr).toBeGreaterThan(0);
          }
        } finally {
          await sink.close();
        }
      });

      for (const { what, path, why } of badPaths(flag)) {
        it(`${what}: exit 2, one line naming the path and the reason, and nothing reaches the sink`, { timeout: 10_000 }, async () => {
          const row = ROWS[command];
          if (!row) return expect.fail(`no row for "${command}"`);
          const sink = await openSink();
          try {
            const ran = await sipcall([...row(sink.port), flag, path]);
            await new Promise((r) => setTimeout(r, QUIET_MS));
            expect(ran.stderr).toMatch(new RegExp(`^sipcall: ${escape(flag)} ${escape(path)}: [^\\n]*${why.source}[^\\n]*; nothing was sent[^\\n]*\\n$`));
            expect(ran.stderr).not.toMatch(/^\s+at |internal error/m);
            expect(ran.stdout).toBe('');
            expect(ran.code).toBe(2);
            expect({ datagrams: sink.datagrams, connections: sink.connections }).toEqual({ datagrams: 0, connections: 0 });
          } finally {
            await sink.close();
          }
        });
      }
    });
  }
});

