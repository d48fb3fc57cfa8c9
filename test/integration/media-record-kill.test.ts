/**
 * A recording survives a killed run: `invite --record` against sipcall's own UAS, SIGKILLed
 * mid-call. The WAV's sizes are patched after every flush (about once a second), so `soxi`
 * (package sox) reads what was flushed before the kill (docs/media.md).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWav, wavSamples } from '../../src/media/wav.js';
import { goertzel } from '../../src/media/goertzel.js';
import { freePort } from '../support/peers/ports.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const soxi = spawnSync('soxi', ['-h'], { encoding: 'utf8' });
const haveSoxi = soxi.error === undefined;
const ci = process.env.CI !== undefined && process.env.CI !== 'false' && process.env.CI !== '0';
if (!haveSoxi && !ci) console.warn('skipping media-record-kill: soxi not found (install the Debian package sox)');
if (!haveSoxi && ci) throw new Error('soxi (package sox) is missing in CI: .ci/run should install it');

describe.skipIf(!haveSoxi)('--record survives SIGKILL', () => {
  it('after 3.5 s of a call, kill -9: the WAV is valid and holds at least 2 s of the 440 Hz tone', async () => {
    const port = await freePort();
    const wav = path.join(dir, 'killed.wav');
    const uas = spawn(process.execPath, [BIN, 'answer', '--port', String(port), '--ring', '50', '--play', 'tone:440', '--duration', '10'], { cwd: ROOT, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 400));
    const caller = spawn(process.execPath, [BIN, 'invite', `sip:x@127.0.0.1:${port}`, '--duration', '20', '--record', wav], { cwd: ROOT, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 3500));
    caller.kill('SIGKILL');
    await new Promise((r) => caller.on('close', r));
    uas.kill('SIGINT');
    await new Promise((r) => uas.on('close', r));
    const info = spawnSync('soxi', [wav], { encoding: 'utf8' });
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/Sample Rate\s*:\s*8000/);
    expect(info.stdout).toMatch(/Channels\s*:\s*1/);
    const seconds = Number(spawnSync('soxi', ['-D', wav], { encoding: 'utf8' }).stdout.trim());
    expect(seconds).toBeGreaterThanOrEqual(2);
    expect(seconds).toBeLessThanOrEqual(3.6);
    const bytes = readFileSync(wav);
    const parsed = parseWav(bytes, wav);
    expect(parsed.dataBytes).toBe(Math.round(seconds * 16000));
    // After the 60 ms playout delay, the recording is the callee's 440 Hz.
    const pcm = wavSamples(parsed, bytes);
    expect(goertzel(pcm, 8000, 1600, 440)).toBeGreaterThan(0.9);
    expect(goertzel(pcm, 8000, 1600, 1000)).toBeLessThan(0.05);
  }, 30_000);
});
