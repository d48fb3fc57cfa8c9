import { randomBytes } from 'node:crypto';
import type { EventInput } from '../events/types.js';
import type { MediaSummary } from '../events/media.js';
import { SampleSource, SilenceSource, type AudioSource } from '../media/audio-source.js';
import { estimateMos } from '../media/emodel.js';
import { MediaSession, type Direction, type MediaSessionSnapshot } from '../media/session.js';
import type { MediaAgreement } from '../media/negotiate.js';
import { ToneSource } from '../media/tone.js';
import { endpointFromNode, formatEndpoint } from '../transport/endpoint.js';
import { RtpSocketPair } from '../transport/rtp-socket.js';
import type { TransportError } from '../transport/errors.js';
import type { MediaPlan, PlayPlan } from './media-plan.js';
import type { EngineEnv } from './session.js';
import { WavWriter } from './wav-writer.js';
import { Impairment } from '../media/impairment.js';
import dgram from 'node:dgram';

/** The agreed stream, for the engine and the verdicts. */
export type AgreedMedia = Extract<MediaAgreement, { ok: true }>;

/** Facts the media verdicts read besides the session's figures. */
export interface MediaRunFacts {
  agreement?: AgreedMedia;
  /** A failed agreement (no common codec, port 0, SRTP only…). */
  refused?: Extract<MediaAgreement, { ok: false }>;
  /** ICMP port unreachable on RTP or RTCP (count and first time). */
  unreachable: { rtp: number; rtcp: number; firstMs?: number };
  /** When media started, and whether that was early media (183). */
  startedMs?: number;
  early: boolean;
  /** Our own `c=` address and RTP port as offered or answered. */
  local: { address: string; port: number };
  snapshot?: MediaSessionSnapshot;
  summary?: MediaSummary;
  digitsSent: string;
  /** When the call ended (BYE sent or received): media had this long. */
  endedMs?: number;
}

/**
 * One call's RTP stream in the engine: the socket pair (transport/rtp-socket.ts), the pure
 * media session (media/session.ts), the recorder, and the media events. The call decides
 * when it starts (after the answer, or on early media) and stops; this never prints.
 */
export class MediaStream {
  private session?: MediaSession;
  private recorder?: WavWriter;
  private readonly ssrc: number;
  private readonly seq: number;
  private readonly ts: number;
  private readonly cname: string;
  private readonly wallBase: number;
  readonly facts: MediaRunFacts;
  private remoteKey = '';
  private impairment?: Impairment;
  private other?: dgram.Socket;
  private stopped = false;

  private constructor(
    private readonly plan: MediaPlan,
    private readonly env: EngineEnv,
    private readonly socket: RtpSocketPair,
    readonly address: string,
  ) {
    const r = randomBytes(10);
    this.ssrc = r.readUInt32BE(0);
    this.seq = r.readUInt16BE(4);
    this.ts = r.readUInt32BE(6);
    this.cname = `sipcall-${r.toString('hex', 0, 4)}@${address}`;
    this.wallBase = Date.now() - env.clock.now();
    this.facts = { unreachable: { rtp: 0, rtcp: 0 }, early: false, local: { address, port: socket.local.port }, digitsSent: '' };
    socket.onPacket((channel, buf, from, arrivalMs) => {
      if (!this.session) return;
      if (channel === 'rtp') this.session.receiveRtp(buf, buf.length, from.address, from.port, arrivalMs);
      else this.session.receiveRtcp(buf, buf.length, arrivalMs);
    });
    socket.onUnreachable((channel, err) => this.unreachable(channel, err));
  }

  /**
   * Binds the RTP/RTCP pair on `address` (our signalling address) and opens the recording
   * file, so a path that cannot be written fails before anything is sent.
   */
  static async open(plan: MediaPlan, env: EngineEnv, address: string): Promise<MediaStream> {
    const recorder = plan.record ? WavWriter.open(plan.record.path, 'pcm16', plan.record.both ? 2 : 1) : undefined;
    let socket: RtpSocketPair;
    try {
      socket = await RtpSocketPair.open(address, () => env.clock.now(), plan.ports);
    } catch (err) {
      recorder?.close();
      throw err;
    }
    if (env.capture) socket.tapWith(env.capture);
    const m = new MediaStream(plan, env, socket, address);
    m.recorder = recorder;
    return m;
  }

  get port(): number {
    return this.socket.local.port;
  }

  get running(): boolean {
    return this.session?.isRunning ?? false;
  }

  get canSendRfc4733(): boolean {
    return this.session?.canSendRfc4733 ?? false;
  }

  get dtmfBusy(): boolean {
    return this.session?.dtmfBusy ?? false;
  }

  /**
   * Starts (or re-aims) the stream at what the SDP agreed. `sdpWhat` names the SDP for the
   * evidence lines ("answer", "183 answer", "offer in the 200").
   */
  async start(agreement: AgreedMedia, early: boolean, sdpWhat: string): Promise<void> {
    if (this.stopped) return;
    const remote = endpointFromNode(agreement.remote.address, agreement.remote.port);
    const key = `${formatEndpoint(remote)}/${agreement.codec.payloadType}/${agreement.direction}`;
    if (this.session && key === this.remoteKey) return;
    this.remoteKey = key;
    this.facts.agreement = agreement;
    this.facts.early ||= early;
    await this.socket.setRemote(remote, agreement.remote.rtcpPort);
    if (this.session) {
      this.session.direction = agreement.direction;
      return;
    }
    this.facts.startedMs = this.env.clock.now();
    const source = this.source(this.plan.play);
    const faults = this.plan.faults;
    let sendRtp = (b: Uint8Array, l: number): boolean => this.socket.send('rtp', b, l);
    if (faults?.fromOtherPort) {
      // Another socket, another port: RTP from where the SDP did not say (a NAT, an SBC).
      const other = dgram.createSocket({ type: remote.family === 6 ? 'udp6' : 'udp4' });
      other.on('error', () => {});
      await new Promise<void>((resolve) => other.bind(0, this.address, () => resolve()));
      this.other = other;
      sendRtp = (b, l) => {
        // An unconnected send resolves the address on the next tick: it must own its bytes,
        // the sender's buffer is reused (src/media/rtp-sender.ts).
        other.send(Buffer.from(b.subarray(0, l)), remote.port, remote.address);
        return true;
      };
    }
    if (faults && (faults.dropPct || faults.jitterMs || faults.stopAfterS !== undefined || faults.noRtp)) {
      this.impairment = new Impairment(faults, this.env.clock, Math.random, sendRtp);
      const imp = this.impairment;
      sendRtp = (b, l) => imp.send(b, l);
    }
    this.session = new MediaSession(
      {
        codec: agreement.codec.name,
        payloadType: agreement.codec.payloadType,
        ...(faults?.payloadType !== undefined ? { sendPayloadType: faults.payloadType } : {}),
        dtmfPayloadType: agreement.dtmfPayloadType,
        ptimeMs: 20,
        direction: agreement.direction,
        ssrc: this.ssrc,
        sequence: this.seq,
        timestamp: this.ts,
        cname: this.cname,
        source,
        echo: this.plan.echo,
        expectToneHz: this.plan.expectToneHz,
        checkEcho: this.plan.checkEcho,
      },
      {
        clock: this.env.clock,
        sendRtp,
        sendRtcp: (b, l) => this.socket.send('rtcp', b, l),
        wallclockMs: () => this.wallBase + this.env.clock.now(),
        random: Math.random,
      },
      {
        second: (s) => this.emit({ type: 'media.stats', ...s }),
        frame: (sent, received) => this.record(sent, received),
        digitReceived: (d) => this.emit({ type: 'media.dtmf', direction: 'received', digit: d.digit, method: d.method, durationMs: Math.round(d.durationMs) }),
        digitSent: (d) => {
          this.facts.digitsSent += d.digit;
          this.emit({ type: 'media.dtmf', direction: 'sent', digit: d.digit, method: d.method, durationMs: Math.round(d.durationMs) });
        },
        note: (code, text) => this.emit({ type: 'note', level: 'warn', code, text }),
      },
    );
    const r = agreement.remote;
    this.emit({
      type: 'media.started',
      local: formatEndpoint(this.socket.local),
      remote: formatEndpoint(remote),
      remoteRtcp: formatEndpoint({ ...remote, port: r.rtcpPort }),
      codec: agreement.codec.name,
      payloadType: agreement.codec.payloadType,
      dtmfPayloadType: agreement.dtmfPayloadType,
      ptimeMs: 20,
      direction: agreement.direction,
      source: this.plan.echo ? 'echo (what we receive)' : this.plan.checkEcho ? 'echo check: 100 ms 1 kHz bursts each second' : source.label,
      early,
      ssrc: this.ssrc,
      sdp: [r.connectionLine, r.mediaLine].filter((x): x is string => typeof x === 'string').map((l) => `${sdpWhat} ${l}`),
    });
    this.session.start();
  }

  /** Mutes what we send: silence in place of the source, the stream keeps its clock. */
  setMuted(muted: boolean): void {
    this.mutedNow = muted;
    this.session?.setMuted(muted);
  }

  get muted(): boolean {
    return this.mutedNow;
  }

  private mutedNow = false;

  /** Changes our direction (hold: sendonly; resume: sendrecv). */
  setDirection(d: Direction): void {
    if (this.session) this.session.direction = d;
  }

  /** Queue DTMF: RFC 4733 or in-band (INFO is the call's job). */
  sendDtmf(items: NonNullable<MediaPlan['dtmf']>, mode: 'rfc4733' | 'inband'): void {
    if (!this.session) return;
    if (mode === 'rfc4733') this.session.sendDtmf(items);
    else this.session.sendInbandDtmf(items);
  }

  /** Records a digit sent by SIP INFO (the call sends it). */
  noteInfoDigitSent(digit: string): void {
    this.facts.digitsSent += digit;
  }

  snapshot(): MediaSessionSnapshot | undefined {
    return this.session?.snapshot();
  }

  /** Stops sending and receiving (RTCP BYE), closes the sockets and the recording; returns the summary. */
  stop(reason: string): MediaSummary | undefined {
    if (this.stopped) return this.facts.summary;
    this.stopped = true;
    this.facts.endedMs = this.env.clock.now();
    this.session?.stop();
    const snap = this.session?.snapshot();
    this.socket.close();
    this.other?.close();
    this.recorder?.close();
    if (!snap || !this.facts.agreement) return undefined;
    this.facts.snapshot = snap;
    const summary = summarize(snap, this.facts, formatEndpoint(this.socket.local));
    if (this.impairment) summary.injected = this.impairment.report();
    this.facts.summary = summary;
    this.emit({ type: 'media.stopped', reason, summary });
    return summary;
  }

  /** Closes everything without a summary (the call never got to media). */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.session?.stop(true);
    this.socket.close();
    this.other?.close();
    this.recorder?.close();
  }

  private source(p: PlayPlan): AudioSource {
    if (p.kind === 'tone') return new ToneSource(p.freqsHz, p.dbfs);
    if (p.kind === 'samples') return new SampleSource(p.samples, p.label);
    return new SilenceSource();
  }

  private stereo?: Int16Array;

  private record(sent: Int16Array, received: Int16Array): void {
    const w = this.recorder;
    if (!w) return;
    if (!this.plan.record?.both) {
      w.write(received);
      return;
    }
    const n = sent.length;
    if (!this.stereo || this.stereo.length !== 2 * n) this.stereo = new Int16Array(2 * n);
    const s = this.stereo;
    for (let i = 0; i < n; i++) {
      s[2 * i] = sent[i];
      s[2 * i + 1] = received[i];
    }
    w.write(s);
  }

  private unreachable(channel: 'rtp' | 'rtcp', err: TransportError): void {
    const u = this.facts.unreachable;
    if (err.code !== 'ECONNREFUSED') {
      this.emit({ type: 'note', level: 'warn', code: 'rtp-send-error', text: `${channel.toUpperCase()} send error: ${err.message}` });
      return;
    }
    u[channel]++;
    if (u[channel] === 1) {
      if (channel === 'rtp') u.firstMs = this.env.clock.now();
      const a = this.facts.agreement?.remote;
      if (channel === 'rtp') this.emit({ type: 'note', level: 'warn', code: 'rtp-port-unreachable', text: `ICMP port unreachable for our RTP to ${a ? `${a.address}:${a.port}` : 'the peer'}: nothing listens on the port the SDP named` });
      else this.emit({ type: 'note', level: 'info', code: 'rtcp-port-unreachable', text: `ICMP port unreachable for our RTCP to ${a ? `${a.address}:${a.rtcpPort}` : 'the peer'}: the peer takes no RTCP (SIPp does not); RTP is not affected` });
    }
  }

  private emit(e: EventInput): void {
    this.env.sink({ ...e, t: this.env.clock.now() } as Parameters<EngineEnv['sink']>[0]);
  }
}

function summarize(s: MediaSessionSnapshot, f: MediaRunFacts, local: string): MediaSummary {
  const a = f.agreement!;
  const peer = s.rtcp.peer;
  const oneWayDelay = peer?.rttMs !== undefined ? peer.rttMs / 2 : s.echo?.medianMs !== undefined ? s.echo.medianMs / 2 : 0;
  const mos = s.received.packets > 0 ? estimateMos({ codec: a.codec.name, lossPct: s.received.lossPct, oneWayDelayMs: oneWayDelay + 40 }) : undefined;
  return {
    codec: `${a.codec.name}/${a.codec.clockRate} (PT ${a.codec.payloadType})`,
    local,
    remote: `${a.remote.address.includes(':') ? `[${a.remote.address}]` : a.remote.address}:${a.remote.port}`,
    durationMs: Math.round((s.endedMs ?? s.startedMs) - s.startedMs),
    sent: s.sent,
    received: {
      packets: s.received.packets,
      lost: s.received.lost,
      lossPct: s.received.lossPct,
      jitterMs: s.received.jitterMs,
      duplicates: s.received.duplicates,
      reordered: s.received.reordered,
      maxGapMs: s.received.maxGapMs,
      levelDbfs: s.received.levelDbfs,
      sources: s.received.sources.map((x) => ({ address: x.address, port: x.port, packets: x.packets })),
      unexpectedPayloadTypes: s.received.unexpectedPayloadTypes,
      firstAfterMs: s.received.firstMs !== undefined ? Math.round(s.received.firstMs - s.startedMs) : undefined,
    },
    peer: peer ? { fractionLost: peer.fractionLost, cumulativeLost: peer.cumulativeLost, jitterMs: peer.jitterMs, rttMs: peer.rttMs, reports: s.rtcp.reportsAboutUs } : undefined,
    rtcp: { sent: s.rtcp.sent, received: s.rtcp.received },
    mos: mos ? { value: Math.round(mos.mos * 100) / 100, r: Math.round(mos.r * 10) / 10, label: mos.label, inputs: mos.inputs as unknown as Record<string, number | string | boolean> } : undefined,
    tone: s.tone,
    echo: s.echo ? { burstsSent: s.echo.burstsSent, burstsReturned: s.echo.burstsReturned, minMs: s.echo.minMs, medianMs: s.echo.medianMs, maxMs: s.echo.maxMs } : undefined,
    digitsReceived: s.digitsReceived,
    digitsSent: f.digitsSent,
  };
}
