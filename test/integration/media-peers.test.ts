// Proves the media peers (baresip 1.0.0 and SIPp 3.6.1 -rtp_echo) with real RTP on loopback,
// without any sipcall code: a tiny UAC over node:dgram sends INVITE/ACK/BYE with an SDP offer
// that points at a UDP socket of this test, which sends and receives PCMU (G.711 µ-law and a
// Goertzel filter inline below) and RFC 4733 events.
import dgram from 'node:dgram';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  parseRtcpSummary,
  parseRtpStats,
  receivedDtmf,
  startBaresip,
} from '../support/peers/baresip.js';
import { freePortBlock, releasePort } from '../support/peers/ports.js';
import { pidAlive, usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startSipp } from '../support/peers/sipp.js';
import { headerOf, statusOf, token } from '../support/peers/udp.js';

usePeerCleanup();

const LOOPBACK = '127.0.0.1';
const PT_PCMU = 0;
const PT_EVENT = 101;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------ G.711 µ-law, Goertzel

function ulawEncode(sample: number): number {
  const BIAS = 0x84;
  let x = Math.max(-32635, Math.min(32635, Math.round(sample)));
  const sign = x < 0 ? 0x80 : 0;
  if (x < 0) x = -x;
  x += BIAS;
  let exp = 7;
  for (let mask = 0x4000; (x & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mant = (x >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mant) & 0xff;
}

function ulawDecode(byte: number): number {
  const u = ~byte & 0xff;
  const exp = (u >> 4) & 7;
  const mag = ((((u & 0x0f) << 3) + 0x84) << exp) - 0x84;
  return u & 0x80 ? -mag : mag;
}

/** Amplitude of `hz` in `x` (sampled at `rate`), Goertzel, normalised to the sine's peak. */
function toneAmplitude(x: ArrayLike<number>, hz: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / x.length;
}

/** The strongest of `candidates` in x, with every amplitude. */
function dominant(x: ArrayLike<number>, candidates: number[]): { hz: number; amps: Record<number, number> } {
  const amps: Record<number, number> = {};
  let best = candidates[0];
  for (const hz of candidates) {
    amps[hz] = toneAmplitude(x, hz);
    if (amps[hz] > amps[best]) best = hz;
  }
  return { hz: best, amps };
}

const PROBE_HZ = [300, 440, 700, 1000, 1500, 2000];

/** 16-bit PCM samples of a WAV's data chunk (RIFF chunks walked, not a fixed 44-byte header). */
function wavSamples(buf: Buffer): { rate: number; channels: number; samples: Int16Array } {
  expect(buf.toString('ascii', 0, 4)).toBe('RIFF');
  expect(buf.toString('ascii', 8, 12)).toBe('WAVE');
  let off = 12;
  let rate = 0;
  let channels = 0;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    let size = buf.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(off + 10);
      rate = buf.readUInt32LE(off + 12);
      expect(buf.readUInt16LE(off + 8)).toBe(1); // PCM
      expect(buf.readUInt16LE(off + 22)).toBe(16);
    } else if (id === 'data') {
      if (size === 0 || off + 8 + size > buf.length) size = buf.length - off - 8; // not finalised
      const samples = new Int16Array(size >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = buf.readInt16LE(off + 8 + 2 * i);
      return { rate, channels, samples };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error('no data chunk in WAV');
}

// ------------------------------------------------------------ RTP

interface RtpPacket {
  pt: number;
  marker: boolean;
  seq: number;
  ts: number;
  ssrc: number;
  payload: Buffer;
  at: number;
  from: string;
}

function parseRtp(b: Buffer, from: string): RtpPacket | undefined {
  if (b.length < 12 || b[0] >> 6 !== 2) return undefined;
  const cc = b[0] & 0x0f;
  const start = 12 + 4 * cc;
  return {
    pt: b[1] & 0x7f,
    marker: (b[1] & 0x80) !== 0,
    seq: b.readUInt16BE(2),
    ts: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(start),
    at: Date.now(),
    from,
  };
}

function rtpPacket(pt: number, marker: boolean, seq: number, ts: number, ssrc: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (marker ? 0x80 : 0) | pt;
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(ssrc >>> 0, 8);
  return Buffer.concat([h, payload]);
}

/** A symmetric RTP/RTCP socket pair on 127.0.0.1 (RTP even port, RTCP = RTP + 1). */
class MediaSocket {
  readonly received: RtpPacket[] = [];
  readonly rtcpReceived: Buffer[] = [];
  readonly ssrc = (Math.random() * 0xffffffff) >>> 0;
  seq = Math.floor(Math.random() * 0x8000);
  ts = Math.floor(Math.random() * 0x10000000);
  sentPackets = 0;
  sentOctets = 0;
  private constructor(
    readonly port: number,
    private readonly rtp: dgram.Socket,
    private readonly rtcp: dgram.Socket,
    private readonly base: number,
  ) {
    rtp.on('message', (m, r) => {
      const p = parseRtp(m, `${r.address}:${r.port}`);
      if (p) this.received.push(p);
    });
    rtcp.on('message', (m) => this.rtcpReceived.push(m));
  }

  static async open(): Promise<MediaSocket> {
    const base = await freePortBlock(3, { tcp: false });
    const port = base % 2 === 0 ? base : base + 1;
    const bind = (p: number): Promise<dgram.Socket> =>
      new Promise((resolve, reject) => {
        const s = dgram.createSocket('udp4');
        s.once('error', reject);
        s.bind(p, LOOPBACK, () => resolve(s));
      });
    return new MediaSocket(port, await bind(port), await bind(port + 1), base);
  }

  send(pt: number, marker: boolean, ts: number, payload: Buffer, to: number): void {
    this.rtp.send(rtpPacket(pt, marker, this.seq++, ts, this.ssrc, payload), to, LOOPBACK);
    this.sentPackets++;
    this.sentOctets += payload.length;
  }

  /** `count` 20 ms PCMU packets of a `hz` sine, paced on absolute deadlines. */
  async sendTone(to: number, hz: number, count: number, amplitude = 8000): Promise<void> {
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const payload = Buffer.alloc(160);
      for (let k = 0; k < 160; k++) {
        payload[k] = ulawEncode(amplitude * Math.sin((2 * Math.PI * hz * (this.ts + k)) / 8000));
      }
      this.send(PT_PCMU, i === 0, this.ts, payload, to);
      this.ts += 160;
      const wait = start + (i + 1) * 20 - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }

  /** One RFC 4733 event: start (M), updates every 20 ms, 3 end packets (same timestamp). */
  async sendDigit(to: number, digit: string, updates = 5): Promise<void> {
    const code = '0123456789*#ABCD'.indexOf(digit);
    const ts = this.ts;
    for (let i = 0; i < updates + 3; i++) {
      const end = i >= updates;
      const duration = Math.min(i + 1, updates) * 160;
      const p = Buffer.from([code, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
      this.send(PT_EVENT, i === 0, ts, p, to);
      await sleep(20);
    }
    this.ts += updates * 160;
  }

  /** An RTCP SR (no report blocks) from the RTCP socket, so baresip fills its RTCP stats. */
  sendSenderReport(toRtcp: number): void {
    const b = Buffer.alloc(28);
    b[0] = 0x80;
    b[1] = 200;
    b.writeUInt16BE(6, 2);
    b.writeUInt32BE(this.ssrc, 4);
    const ntp = Date.now() / 1000 + 2208988800;
    b.writeUInt32BE(Math.floor(ntp) >>> 0, 8);
    b.writeUInt32BE(Math.floor((ntp % 1) * 2 ** 32) >>> 0, 12);
    b.writeUInt32BE(this.ts >>> 0, 16);
    b.writeUInt32BE(this.sentPackets, 20);
    b.writeUInt32BE(this.sentOctets, 24);
    this.rtcp.send(b, toRtcp, LOOPBACK);
  }

  close(): void {
    this.rtp.close();
    this.rtcp.close();
    releasePort(this.base, this.base + 1, this.base + 2);
  }
}

// ------------------------------------------------------------ a tiny UAC over dgram

interface Answer {
  status: number;
  text: string;
  port: number;
  address: string;
  pts: number[];
  direction?: string;
}

function parseSdp(text: string): Omit<Answer, 'status' | 'text'> {
  const body = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
  const m = /^m=audio (\d+) RTP\/AVP ([\d ]+)$/m.exec(body);
  const c = /^c=IN IP4 (\S+)$/m.exec(body);
  const dir = /^a=(sendrecv|sendonly|recvonly|inactive)$/m.exec(body);
  return {
    port: m ? Number(m[1]) : 0,
    pts: m ? m[2].trim().split(/\s+/).map(Number) : [],
    address: c ? c[1] : '',
    direction: dir ? dir[1] : undefined,
  };
}

function offer(rtpPort: number, direction = 'sendrecv', version = 1): string {
  return [
    'v=0',
    `o=- 4242 ${version} IN IP4 ${LOOPBACK}`,
    's=-',
    `c=IN IP4 ${LOOPBACK}`,
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP ${PT_PCMU} ${PT_EVENT}`,
    'a=rtpmap:0 PCMU/8000',
    `a=rtpmap:${PT_EVENT} telephone-event/8000`,
    `a=fmtp:${PT_EVENT} 0-16`,
    'a=ptime:20',
    `a=${direction}`,
    '',
  ].join('\r\n');
}

/** One call from a fresh SIP socket; answers re-INVITEs (recording their SDP) and BYEs from the peer. */
class Uac {
  readonly callId = `${token(8)}@media-peers`;
  readonly fromTag = token(4);
  toTag = '';
  cseq = 0;
  /** Requests the peer sent us (re-INVITE, BYE...), as text. */
  readonly inbound: string[] = [];
  private waiters: { pred: (t: string) => boolean; resolve: (t: string) => void }[] = [];
  private constructor(
    private readonly sock: dgram.Socket,
    readonly localPort: number,
    private readonly target: { host: string; port: number; uri: string },
    private readonly media: MediaSocket,
  ) {
    sock.on('message', (m) => this.onMessage(m.toString('utf8')));
  }

  static async open(target: { host: string; port: number; uri: string }, media: MediaSocket): Promise<Uac> {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, LOOPBACK, () => r()));
    return new Uac(sock, sock.address().port, target, media);
  }

  private onMessage(text: string): void {
    if (statusOf(text) === undefined) {
      this.inbound.push(text);
      const method = text.slice(0, text.indexOf(' '));
      if (method === 'INVITE' || method === 'BYE' || method === 'OPTIONS' || method === 'INFO') {
        const sdp = parseSdp(text);
        const answerDir =
          sdp.direction === 'sendonly' ? 'recvonly' : sdp.direction === 'inactive' ? 'inactive' : 'sendrecv';
        const body = method === 'INVITE' ? offer(this.media.port, answerDir, 2 + this.inbound.length) : '';
        this.reply(text, 200, 'OK', body);
      }
    }
    for (const w of [...this.waiters]) {
      if (w.pred(text)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(text);
      }
    }
  }

  waitFor(pred: (t: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`UAC: nothing matching in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (x) => {
          clearTimeout(t);
          resolve(x);
        },
      });
    });
  }

  private reply(req: string, status: number, reason: string, body: string): void {
    const head = req.split('\r\n\r\n')[0].split('\r\n');
    const keep = head.filter((l) => /^(via|from|to|call-id|cseq)\s*:/i.test(l));
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...keep,
      `Contact: <sip:alice@${LOOPBACK}:${this.localPort}>`,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    this.sock.send(lines.join('\r\n'), this.target.port, this.target.host);
  }

  private request(method: string, cseq: number, body = '', branch = `z9hG4bK-${token()}`): string {
    const lines = [
      `${method} ${this.target.uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${LOOPBACK}:${this.localPort};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:alice@${LOOPBACK}>;tag=${this.fromTag}`,
      `To: <${this.target.uri}>${this.toTag ? `;tag=${this.toTag}` : ''}`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:alice@${LOOPBACK}:${this.localPort}>`,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    return lines.join('\r\n');
  }

  private isResponseTo(method: string, cseq: number) {
    return (t: string): boolean =>
      statusOf(t) !== undefined && headerOf(t, 'Call-ID') === this.callId && headerOf(t, 'CSeq') === `${cseq} ${method}`;
  }

  /** INVITE with our offer; ACKs the final response; resolves with the answer. */
  async invite(): Promise<Answer> {
    const cseq = ++this.cseq;
    const final = this.waitFor((t) => this.isResponseTo('INVITE', cseq)(t) && (statusOf(t) ?? 0) >= 200, 10_000);
    this.sock.send(this.request('INVITE', cseq, offer(this.media.port)), this.target.port, this.target.host);
    const text = await final;
    const status = statusOf(text) ?? 0;
    this.toTag = /;tag=([^;\s]+)/.exec(headerOf(text, 'To') ?? '')?.[1] ?? '';
    this.sock.send(this.request('ACK', cseq), this.target.port, this.target.host);
    return { status, text, ...parseSdp(text) };
  }

  async bye(): Promise<number> {
    const cseq = ++this.cseq;
    const ok = this.waitFor(this.isResponseTo('BYE', cseq));
    this.sock.send(this.request('BYE', cseq), this.target.port, this.target.host);
    return statusOf(await ok) ?? 0;
  }

  close(): void {
    this.sock.close();
  }
}

function pcmuSamples(packets: RtpPacket[]): Int16Array {
  const audio = packets.filter((p) => p.pt === PT_PCMU);
  const out = new Int16Array(audio.reduce((n, p) => n + p.payload.length, 0));
  let i = 0;
  for (const p of audio) for (const b of p.payload) out[i++] = ulawDecode(b);
  return out;
}

/** RFC 4733 events in arrival order, one per (timestamp), as digits. */
function eventDigits(packets: RtpPacket[]): string[] {
  const seen = new Map<number, string>();
  for (const p of packets) {
    if (p.pt !== PT_EVENT || p.payload.length < 4) continue;
    if (!seen.has(p.ts)) seen.set(p.ts, '0123456789*#ABCD'[p.payload[0]] ?? '?');
  }
  return [...seen.values()];
}

// ------------------------------------------------------------ tests

describe.skipIf(requirePeers('baresip').skip)('baresip 1.0.0 as a media peer', () => {
  it('tone: answers our offer, sends PCMU 440 Hz at 50/s symmetric, counts what we send (rtp_stats, rtcpsummary)', async () => {
    const bob = await startBaresip({ mode: 'tone', toneHz: 440 });
    const media = await MediaSocket.open();
    const uac = await Uac.open({ host: bob.host, port: bob.port, uri: bob.uri }, media);
    try {
      const answer = await uac.invite();
      expect(answer.status, answer.text).toBe(200);
      expect(answer.address).toBe(LOOPBACK);
      expect(answer.pts[0]).toBe(PT_PCMU);
      expect(answer.pts).toContain(PT_EVENT);
      expect(answer.port).toBeGreaterThanOrEqual(bob.rtpPorts[0]);
      expect(answer.port).toBeLessThanOrEqual(bob.rtpPorts[1]);

      // 3 s of 1000 Hz from us while baresip's 440 Hz comes in
      const sending = media.sendTone(answer.port, 1000, 150);
      await sending;
      await sleep(100);
      media.sendSenderReport(answer.port + 1);
      await sleep(200);
      expect(await uac.bye()).toBe(200);

      // what we received: from baresip's RTP port (symmetric), PCMU, ~50 packets/s, 440 Hz
      const audio = media.received.filter((p) => p.pt === PT_PCMU);
      expect(new Set(media.received.map((p) => p.from))).toEqual(new Set([`${LOOPBACK}:${answer.port}`]));
      expect(audio.length).toBeGreaterThan(100);
      const steady = audio.filter((p) => p.at >= audio[0].at + 500);
      const rate = ((steady.length - 1) * 1000) / (steady.at(-1)!.at - steady[0].at);
      expect(rate).toBeGreaterThan(45);
      expect(rate).toBeLessThan(55);
      expect(new Set(audio.map((p) => p.payload.length))).toEqual(new Set([160]));
      const heard = dominant(pcmuSamples(steady), PROBE_HZ);
      expect(heard.hz, JSON.stringify(heard.amps)).toBe(440);
      expect(heard.amps[440]).toBeGreaterThan(10 * heard.amps[1000]);

      // baresip's own account, printed at call end
      const out = await bob.waitFor(/Transmit:\s+Receive:[\s\S]*?jitter:[^\n]*\n/);
      const stats = parseRtpStats(out);
      expect(stats).toHaveLength(1);
      const s = stats[0];
      expect(s.media).toBe('audio');
      expect(s.rx.packets).toBeGreaterThanOrEqual(media.sentPackets - 2);
      expect(s.rx.packets).toBeLessThanOrEqual(media.sentPackets);
      expect(s.rx.errors).toBe(0);
      // the SR-time snapshot: everything we had sent, nothing lost
      expect(s.rx.reported).toBe(media.sentPackets);
      expect(s.rx.lost).toBe(0);
      expect(s.rx.jitterMs).toBeLessThan(5);
      expect(Math.abs(s.tx.packets - audio.length)).toBeLessThanOrEqual(15); // it sends until our BYE lands
      const summary = parseRtcpSummary(out);
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({ packetsRx: media.sentPackets, lostRx: 0, remote: `${LOOPBACK}:${media.port}` });

      // what it heard, recorded by sndfile: our 1000 Hz
      const wavPath = bob.recordingPath;
      expect(wavPath).toBeDefined();
      expect(wavPath!.startsWith(bob.dir)).toBe(true);
      await bob.waitFor('session closed');
      await sleep(100);
      const wav = wavSamples(await readFile(wavPath!));
      expect(wav).toMatchObject({ rate: 8000, channels: 1 });
      expect(wav.samples.length).toBeGreaterThan(8000 * 2);
      const rec = dominant(wav.samples.subarray(4000), PROBE_HZ);
      expect(rec.hz, JSON.stringify(rec.amps)).toBe(1000);
      expect(bob.recordings().encode).toHaveLength(1);
    } finally {
      uac.close();
      media.close();
      await bob.stop();
    }
    expect(pidAlive(bob.pid)).toBe(false);
    await expect(stat(bob.dir)).rejects.toThrow();
  });

  it('tone: toneHz sets the frequency; hold and resume over ctrl_tcp send re-INVITEs (sendonly, then sendrecv)', async () => {
    const bob = await startBaresip({ mode: 'tone', toneHz: 700 });
    const media = await MediaSocket.open();
    const uac = await Uac.open({ host: bob.host, port: bob.port, uri: bob.uri }, media);
    try {
      const answer = await uac.invite();
      expect(answer.status).toBe(200);
      await bob.waitFor('Call established');
      await sleep(1000);
      const heard = dominant(pcmuSamples(media.received.slice(10)), PROBE_HZ);
      expect(heard.hz, JSON.stringify(heard.amps)).toBe(700);

      const held = uac.waitFor((t) => t.startsWith('INVITE '));
      const r = await bob.hold();
      expect(r.ok, r.data).toBe(true);
      expect(parseSdp(await held).direction).toBe('sendonly');
      const resumed = uac.waitFor((t) => t.startsWith('INVITE ') && !t.includes('a=sendonly'));
      expect((await bob.resume()).ok).toBe(true);
      expect(parseSdp(await resumed).direction).toBe('sendrecv');

      const calls = await bob.control('listcalls');
      expect(calls.ok).toBe(true);
      expect(calls.data).toContain('sip:alice@127.0.0.1');
      // ctrl_tcp events arrive as JSON
      expect(bob.events().map((e) => e.type)).toContain('CALL_ESTABLISHED');

      // hangup from baresip: we get its BYE
      const bye = uac.waitFor((t) => t.startsWith('BYE '));
      expect((await bob.hangup()).ok).toBe(true);
      await bye;
      await bob.waitFor(/Transmit:\s+Receive:/);
    } finally {
      uac.close();
      media.close();
      await bob.stop();
    }
  });

  it('echo: echo.so returns our audio and relays our RFC 4733 digits; receivedDtmf reads its log', async () => {
    const bob = await startBaresip({ mode: 'echo', verbose: true });
    const media = await MediaSocket.open();
    const uac = await Uac.open({ host: bob.host, port: bob.port, uri: bob.uri }, media);
    try {
      const answer = await uac.invite();
      expect(answer.status, answer.text).toBe(200);
      expect(answer.pts).toContain(PT_EVENT);
      await bob.waitFor('echo: CALL_INCOMING');

      await media.sendTone(answer.port, 1000, 100);
      for (const d of ['1', '5', '9', '#']) {
        await media.sendDigit(answer.port, d);
        await media.sendTone(answer.port, 1000, 5);
      }
      await sleep(300);
      expect(await uac.bye()).toBe(200);

      const back = media.received.filter((p) => p.pt === PT_PCMU);
      expect(back.length).toBeGreaterThan(80);
      // baresip sends with its own SSRC, from its RTP port
      expect(new Set(back.map((p) => p.ssrc)).has(media.ssrc)).toBe(false);
      expect(new Set(media.received.map((p) => p.from))).toEqual(new Set([`${LOOPBACK}:${answer.port}`]));
      const echoed = dominant(pcmuSamples(back), PROBE_HZ);
      expect(echoed.hz, JSON.stringify(echoed.amps)).toBe(1000);
      expect(echoed.amps[1000]).toBeGreaterThan(1000);

      expect(eventDigits(media.received)).toEqual(['1', '5', '9', '#']);
      const out = await bob.waitFor(/Transmit:\s+Receive:[\s\S]*?errors:[^\n]*\n/);
      expect(receivedDtmf(out)).toEqual(['1', '5', '9', '#'].map((digit) => ({ digit, via: 'rtp' })));
      expect(out).toContain("echo: relaying DTMF event: key = '5'");
      const [s] = parseRtpStats(out);
      expect(s.rx.packets).toBe(media.sentPackets);
      expect(s.tx.packets).toBeGreaterThan(80);
      // rtcpsummary prints nothing in echo mode (echo.so frees the call first)
      expect(parseRtcpSummary(out)).toEqual([]);
    } finally {
      uac.close();
      media.close();
      await bob.stop();
    }
  });

});

// needs no peer: the log formats seen from baresip 1.0.0 (see baresip.ts)
describe('baresip log parsers', () => {
  it('parses the exact rtp_stats, rtcpsummary and DTMF lines of baresip 1.0.0', () => {
    const log = [
      "received event: '5' (end=0)",
      "received event: '5' (end=1)",
      "received event: '#' (end=1)",
      "call: received DTMF: '7' (duration=250)",
      'EX=BareSip;ERROR=No RTCP stats collected;',
      'EX=BareSip;CS=0;CD=3;PR=108;PS=134;PL=2,0;PD=0,0;JI=7.7,0.0;DL=0.0;IP=0.0.0.0:25100,127.0.0.1:26970;',
      '',
      'audio           Transmit:     Receive:',
      'packets:            149          108',
      'avg. bitrate:      64.3         51.9  (kbit/s)',
      'errors:               0            0',
      'pkt.report:         134          108',
      'lost:                 0            2',
      'jitter:             0.0          7.7  (ms)',
      'audio           Transmit:     Receive:',
      'packets:             10            0',
      'avg. bitrate:      64.0          0.0  (kbit/s)',
      'errors:               0            0',
      'terminated by signal 15',
    ].join('\n');
    expect(receivedDtmf(log)).toEqual([
      { digit: '5', via: 'rtp' },
      { digit: '#', via: 'rtp' },
      { digit: '7', via: 'info', durationMs: 250 },
    ]);
    expect(parseRtcpSummary(log)).toEqual([
      null,
      {
        setupMs: 0,
        durationS: 3,
        packetsRx: 108,
        packetsTx: 134,
        lostRx: 2,
        lostTx: 0,
        discardRx: 0,
        discardTx: 0,
        jitterRxMs: 7.7,
        jitterTxMs: 0,
        rttMs: 0,
        local: '0.0.0.0:25100',
        remote: '127.0.0.1:26970',
      },
    ]);
    expect(parseRtpStats(log)).toEqual([
      {
        media: 'audio',
        tx: { packets: 149, bitrateKbps: 64.3, errors: 0, reported: 134, lost: 0, jitterMs: 0 },
        rx: { packets: 108, bitrateKbps: 51.9, errors: 0, reported: 108, lost: 2, jitterMs: 7.7 },
      },
      {
        media: 'audio',
        tx: { packets: 10, bitrateKbps: 64, errors: 0 },
        rx: { packets: 0, bitrateKbps: 0, errors: 0 },
      },
    ]);
  });
});

describe.skipIf(requirePeers('sipp').skip)('SIPp 3.6.1 -rtp_echo', () => {
  it('-sn uas answers m=audio <mediaPort> RTP/AVP 0 and mirrors RTP on the media port and port+2', async () => {
    const uas = await startSipp({ scenario: 'uas', rtpEcho: true });
    const media = await MediaSocket.open();
    const uac = await Uac.open({ host: uas.host, port: uas.port, uri: `sip:service@${uas.hostPort}` }, media);
    try {
      const answer = await uac.invite();
      expect(answer.status).toBe(200);
      expect(answer).toMatchObject({ address: LOOPBACK, port: uas.mediaPort, pts: [PT_PCMU] });

      await media.sendTone(uas.mediaPort, 1000, 25);
      await media.sendTone(uas.mediaPort + 2, 1000, 5);
      await media.sendTone(uas.mediaPort + 1, 1000, 5); // the RTCP port: not mirrored
      await sleep(200);
      const fromMain = media.received.filter((p) => p.from === `${LOOPBACK}:${uas.mediaPort}`);
      const fromVideo = media.received.filter((p) => p.from === `${LOOPBACK}:${uas.mediaPort + 2}`);
      expect(fromMain).toHaveLength(25);
      expect(fromVideo).toHaveLength(5);
      expect(media.received).toHaveLength(30);
      // a mirror: our SSRC, our sequence numbers, our payload
      expect(new Set(media.received.map((p) => p.ssrc))).toEqual(new Set([media.ssrc]));
      const seqs = fromMain.map((p) => p.seq);
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] + i) & 0xffff));
      expect(dominant(pcmuSamples(fromMain), PROBE_HZ).hz).toBe(1000);
      expect(await uac.bye()).toBe(200);
    } finally {
      uac.close();
      media.close();
      await uas.stop();
    }
  });
});

describe.skipIf(requirePeers('baresip', 'sipp').skip)('baresip dials SIPp -rtp_echo over ctrl_tcp', () => {
  it('dial(): baresip calls SIPp, hears its own 440 Hz back (recording), hangup() ends it', async () => {
    const uas = await startSipp({ scenario: 'uas', rtpEcho: true });
    const bob = await startBaresip({ mode: 'tone', toneHz: 440 });
    try {
      const r = await bob.dial(`sip:service@${uas.hostPort}`);
      expect(r.ok, r.data).toBe(true);
      await bob.waitFor('Call established', { timeoutMs: 5000 });
      await sleep(2000);
      expect((await bob.hangup()).ok).toBe(true);
      const out = await bob.waitFor(/Transmit:\s+Receive:[\s\S]*?errors:[^\n]*\n/);
      const [s] = parseRtpStats(out);
      expect(s.tx.packets).toBeGreaterThan(80);
      expect(s.rx.packets).toBeGreaterThanOrEqual(s.tx.packets - 5);
      await bob.waitFor('terminated');
      await sleep(100);
      const wav = wavSamples(await readFile(bob.recordingPath!));
      const heard = dominant(wav.samples.subarray(4000), PROBE_HZ);
      expect(heard.hz, JSON.stringify(heard.amps)).toBe(440);
      expect(await uas.messageLog('BYE sip:')).toMatch(/^BYE sip:/m);
      expect(bob.events().map((e) => e.type)).toEqual(expect.arrayContaining(['CALL_ESTABLISHED', 'CALL_CLOSED']));
    } finally {
      await bob.stop();
      await uas.stop();
    }
  });
});
