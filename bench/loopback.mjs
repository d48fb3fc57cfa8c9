// Helpers shared by the benches: a free loopback UDP port, and kernel timestamps of loopback
// traffic (dumpcap on lo, read back with tshark). Network traffic stays on 127.0.0.1; dumpcap is
// stopped by its PID.
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free UDP port on 127.0.0.1 (bound, read, closed). */
export async function freeUdpPort() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

/**
 * Starts dumpcap on lo with the capture `filter` and waits until it captures. `finish(args)`
 * stops it and returns what `tshark -r FILE ...args` printed. Undefined when dumpcap or tshark is
 * missing, or we may not capture (root, or dumpcap's capabilities).
 */
export async function startKernelCapture(filter) {
  if (process.env.BENCH_NO_CAPTURE || !existsSync('/usr/bin/dumpcap') || !existsSync('/usr/bin/tshark')) return undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-bench-cap-'));
  const file = path.join(dir, 'capture.pcapng');
  const proc = spawn('/usr/bin/dumpcap', ['-q', '-i', 'lo', '-f', filter, '-B', '64', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => proc.once('exit', r));
  for (const t = Date.now(); !/Capturing on/.test(err); await sleep(20)) {
    if (proc.exitCode !== null || Date.now() - t > 5000) {
      if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }
  return {
    async finish(tsharkArgs) {
      process.kill(proc.pid, 'SIGTERM'); // by PID
      await exited;
      const out = spawnSync('/usr/bin/tshark', ['-r', file, ...tsharkArgs], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout ?? '';
      await rm(dir, { recursive: true, force: true });
      return out;
    },
  };
}
