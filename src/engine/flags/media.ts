import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import type { DtmfMode, MediaFaults, MediaPlan, PlayPlan } from '../media-plan.js';
import { isIP } from 'node:net';
import { DtmfStringError, DTMF_STRING_ACCEPTS, parseDtmfString } from '../../media/dtmf-digits.js';
import { parsePlaySpec, PlaySpecError } from '../../media/tone.js';
import { parseWav, wavSamples, WavFormatError } from '../../media/wav.js';
import type { PlanFlags } from './types.js';
import { parseSeconds } from './values.js';

/** How long each --dtmf digit sounds (RFC 4733 event duration; pjsua uses 200, libre 160·n). */
export const DTMF_DIGIT_MS = 160;

/** The default sound: a quiet 440 Hz tone, so the far end (and its meters) hears us. */
export const DEFAULT_PLAY = 'tone:440@-20';

/**
 * The media flags of `invite`, `answer` and `demo` as a plan (docs/media.md); undefined with
 * `--no-media`. Everything a user can get wrong is a UsageError here, before anything is sent:
 * a WAV in a format we cannot send (with the sox command that converts it), a record path in a
 * directory that does not exist, bad DTMF characters, `tone:abc`, a bad port range.
 */
export function mediaPlanFrom(flags: PlanFlags): MediaPlan | undefined {
  if (flags.media === false) return undefined;
  const play = playFrom(typeof flags.play === 'string' ? flags.play : DEFAULT_PLAY);
  const recordPath = typeof flags.recordBoth === 'string' ? flags.recordBoth : typeof flags.record === 'string' ? flags.record : undefined;
  if (recordPath !== undefined) checkWritable(recordPath, typeof flags.recordBoth === 'string' ? '--record-both' : '--record');
  const dtmfMode = dtmfModeFrom(flags.dtmfMode);
  let dtmf: MediaPlan['dtmf'];
  if (typeof flags.dtmf === 'string') {
    try {
      dtmf = parseDtmfString(flags.dtmf).map((i) => (i.kind === 'pause' ? i : { kind: 'digit' as const, digit: i.symbol, event: i.event, durationMs: DTMF_DIGIT_MS }));
    } catch (err) {
      if (err instanceof DtmfStringError) throw new UsageError(`--dtmf: ${err.message}`, `use ${DTMF_STRING_ACCEPTS}`);
      throw err;
    }
    if (dtmfMode === 'inband' && dtmf.some((d) => d.kind === 'digit' && d.digit === '!')) throw new UsageError('--dtmf: a flash (!) has no in-band tone', 'use --dtmf-mode rfc4733 for a flash');
  }
  const timeoutS = flags.mediaTimeout !== undefined ? parseSeconds(String(flags.mediaTimeout), '--media-timeout', true) : 2;
  let expectToneHz: number | undefined;
  if (flags.expectTone !== undefined) {
    const n = Number(flags.expectTone);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(String(flags.expectTone)) || !(n > 0 && n < 4000)) {
      throw new UsageError(`--expect-tone must be a frequency in Hz below 4000 (the 8 kHz Nyquist limit), got ${JSON.stringify(flags.expectTone)}`, 'example: --expect-tone 440');
    }
    expectToneHz = n;
  }
  let checkEcho = false;
  if (flags.check !== undefined) {
    if (flags.check !== 'echo') throw new UsageError(`--check ${JSON.stringify(flags.check)} is not known`, 'use --check echo');
    checkEcho = true;
  }
  const plan: MediaPlan = { play, dtmfMode, timeoutS, checkEcho, lateOffer: flags.lateOffer === true };
  if (recordPath !== undefined) plan.record = { path: recordPath, both: typeof flags.recordBoth === 'string' };
  if (dtmf) plan.dtmf = dtmf;
  if (expectToneHz !== undefined) plan.expectToneHz = expectToneHz;
  if (flags.rtpPort !== undefined) plan.ports = rtpPortsFrom(String(flags.rtpPort));
  if (flags.echo === true) plan.echo = true;
  const faults = faultsFrom(flags.fault);
  if (faults) plan.faults = faults;
  return plan;
}

const FAULT_HELP = 'use drop=5%, jitter=30ms, stop-after=2s, no-rtp, pt=8, from-other-port, sdp-port=N or sdp-address=ADDR (comma-separated or repeated)';

/**
 * `answer --fault …`: the fault injector (docs/media.md), for testing what a caller's media
 * checks say. Items: `drop=5%`, `jitter=30ms` (uniform 0–30 ms delay per packet), `stop-after=2s`,
 * `no-rtp`, `pt=N`, `from-other-port`, `sdp-port=N`, `sdp-address=ADDR`.
 */
export function faultsFrom(v: unknown): MediaFaults | undefined {
  const items = (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
  if (!items.length) return undefined;
  const f: MediaFaults = {};
  for (const item of items) {
    const [key, value = ''] = item.split('=', 2) as [string, string?];
    const num = (re: RegExp, what: string, max: number): number => {
      const m = re.exec(value);
      const n = m ? Number(m[1]) : NaN;
      if (!m || !(n >= 0) || n > max) throw new UsageError(`--fault ${item}: ${what}`, FAULT_HELP);
      return n;
    };
    switch (key.toLowerCase()) {
      case 'drop':
        f.dropPct = num(/^(\d+(?:\.\d+)?)%?$/, 'give a loss in percent, 0-100', 100);
        break;
      case 'jitter':
        f.jitterMs = num(/^(\d+(?:\.\d+)?)(?:ms)?$/, 'give a delay spread in ms, up to 1000', 1000);
        break;
      case 'stop-after':
        f.stopAfterS = num(/^(\d+(?:\.\d+)?)s?$/, 'give seconds', 86400);
        break;
      case 'no-rtp':
        f.noRtp = true;
        break;
      case 'pt':
        f.payloadType = num(/^(\d{1,3})$/, 'give a payload type 0-127', 127);
        break;
      case 'from-other-port':
        f.fromOtherPort = true;
        break;
      case 'sdp-port':
        f.sdpPort = num(/^(\d{1,5})$/, 'give a port 1-65535', 65535);
        break;
      case 'sdp-address':
        if (!isIP(value)) throw new UsageError(`--fault ${item}: ${JSON.stringify(value)} is not an IP address`, FAULT_HELP);
        f.sdpAddress = value;
        break;
      default:
        throw new UsageError(`--fault ${JSON.stringify(item)} is not known`, FAULT_HELP);
    }
  }
  return f;
}

function playFrom(spec: string): PlayPlan {
  let p;
  try {
    p = parsePlaySpec(spec);
  } catch (err) {
    if (err instanceof PlaySpecError) throw new UsageError(`--play: ${err.message}`, 'use tone:FREQ (e.g. tone:440, tone:350+440, tone:1000@-10), silence, or an 8 kHz mono WAV file');
    throw err;
  }
  if (p.kind !== 'file') return p;
  let bytes: Buffer;
  try {
    bytes = readFileSync(p.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`--play ${p.path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`, 'give an 8 kHz mono WAV file (PCM16, µ-law or A-law), tone:FREQ or silence');
  }
  try {
    const info = parseWav(bytes, p.path);
    return { kind: 'samples', samples: wavSamples(info, bytes), label: `file ${p.path}` };
  } catch (err) {
    if (err instanceof WavFormatError) throw new UsageError(`--play ${p.path}: ${err.message}`);
    throw err;
  }
}

/** The record file's directory must exist and be a directory; the file is opened before the INVITE. */
function checkWritable(path: string, flag: string): void {
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${flag} ${path} is a directory`, 'give a file name, e.g. call.wav');
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} ${path}: ${dir} is not a directory`, 'choose a path in a directory that exists');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${flag} ${path}: the directory ${dir} does not exist`, 'create it first, or choose a path in a directory that exists');
  }
}

function dtmfModeFrom(v: unknown): DtmfMode {
  const s = v === undefined ? 'auto' : String(v).toLowerCase();
  if (s === 'rfc4733' || s === 'info' || s === 'inband' || s === 'auto') return s;
  if (s === 'rfc2833') return 'rfc4733';
  throw new UsageError(`--dtmf-mode ${JSON.stringify(v)} is not known`, 'use rfc4733, info, inband or auto');
}

/** `--rtp-port N` (even) or `A-B`. */
export function rtpPortsFrom(text: string): { min: number; max: number } {
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5}))?\s*$/.exec(text);
  const a = m ? Number(m[1]) : NaN;
  const b = m?.[2] !== undefined ? Number(m[2]) : a;
  if (!m || a < 1024 || b > 65534 || a > b) throw new UsageError(`--rtp-port ${JSON.stringify(text)} is not a port or a range in 1024-65534`, 'example: --rtp-port 40000 or --rtp-port 40000-40100');
  if (a === b && a % 2 === 1) throw new UsageError(`--rtp-port ${a} is odd`, 'RTP uses an even port and RTCP the next odd one (RFC 3550 §11)');
  if (a === b) return { min: a, max: a };
  if (a + (a % 2) + 1 > b) throw new UsageError(`--rtp-port ${text} holds no RTP/RTCP pair`, 'give a range of at least two ports');
  return { min: a, max: b - 1 };
}
