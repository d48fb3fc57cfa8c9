import type { Clock, TimerHandle } from '../clock/clock.js';
import { setTimerAt } from '../clock/deadline.js';
import type { AudioSource } from './audio-source.js';
import { EchoCheck, type EchoCheckResult } from './echo-check.js';
import { ToneDetector } from './goertzel.js';
import { LevelMeter } from './level.js';
import { DtmfDetector, DtmfToneGenerator } from './dtmf-inband.js';
import { PlayoutBuffer } from './playout.js';
import { RtcpAgent, type PeerView, type RtcpCounts } from './rtcp-agent.js';
import { RtpReceiver, type ReceivedDigit, type RtpSourceCount } from './rtp-receiver.js';
import { RtpSender, type DtmfQueueItem, type G711Name } from './rtp-sender.js';
import { MediaSecond, type MediaSecondStats } from './media-second.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface MediaSessionConfig {
  codec: G711Name;
  payloadType: number;
  /** Send audio with this payload type instead (a fault injector's wrong PT). */
  sendPayloadType?: number;
  dtmfPayloadType?: number;
  ptimeMs: number;
  /** Our side: may we send, may we receive (RFC 3264 §6.1). */
  direction: Direction;
  ssrc: number;
  sequence: number;
  timestamp: number;
  cname: string;
  /** What we send. */
  source: AudioSource;
  /** Loop what we receive back (answer --echo), instead of `source`. */
  echo?: boolean;
  /** Look for this tone in what we receive (--expect-tone). */
  expectToneHz?: number;
  /** Send 1 kHz bursts and time their return (--check echo). */
  checkEcho?: boolean;
  /** Detect in-band DTMF in what we receive. */
  detectInbandDtmf?: boolean;
}

export interface MediaSessionPorts {
  clock: Clock;
  sendRtp(buf: Uint8Array, length: number): boolean;
  sendRtcp(buf: Uint8Array, length: number): boolean;
  /** Wall-clock ms since the Unix epoch (NTP timestamps in SRs). */
  wallclockMs(): number;
  random(): number;
}

export interface MediaObserver {
  /** Once a second while the session runs. */
  second?(s: MediaSecondStats): void;
  /** Every packet time: the frame sent and the frame received (playout), for recording. */
  frame?(sent: Int16Array, received: Int16Array): void;
  digitReceived?(d: ReceivedDigit & { method: 'rfc4733' | 'inband' }): void;
  digitSent?(d: { digit: string; method: 'rfc4733' | 'inband'; atMs: number; durationMs: number }): void;
  /** A lint or other finding about the peer's media (RFC 4733 defects, SSRC echo, …). */
  note?(code: string, text: string): void;
}

/** The figures a media verdict and the end summary read (all plain data). */
export interface MediaSessionSnapshot {
  startedMs: number;
  endedMs?: number;
  sent: { packets: number; octets: number; dtmfPackets: number; sendJitterMs: { p50: number; p99: number; max: number }; skipped: number };
  received: {
    packets: number;
    audioPackets: number;
    expected: number;
    lost: number;
    lossPct: number;
    jitterMs: number;
    duplicates: number;
    reordered: number;
    maxGapMs: number;
    firstMs?: number;
    lastMs?: number;
    ssrcChanges: number;
    invalid: number;
    comfortNoise: number;
    dtmfPackets: number;
    ownSsrcEchoed: number;
    unexpectedPayloadTypes: Array<{ pt: number; packets: number }>;
    sources: RtpSourceCount[];
    levelDbfs?: number;
    peakDbfs?: number;
    concealed: number;
  };
  rtcp: RtcpCounts & { peer?: PeerView };
  tone?: { hz: number; heard: boolean; firstHeardMs?: number; levelDbfs?: number };
  echo?: EchoCheckResult;
  digitsReceived: string;
}

/**
 * One RTP stream both ways: paced sending on absolute deadlines t0 + n·ptime (never
 * setInterval, which drifts: mscdex/node-rtp#3), receiving with RFC 3550 statistics, RTCP,
 * DTMF (RFC 4733 and in-band), playout for recording, echo, tone and level detection.
 * No sockets: packets go out through `ports` and come in through `receiveRtp`/`receiveRtcp`.
 */
export class MediaSession {
  private readonly frameSamples: number;
  private readonly sender: RtpSender;
  private readonly receiver: RtpReceiver;
  private readonly playout: PlayoutBuffer;
  private readonly rtcp: RtcpAgent;
  private readonly sentFrame: Int16Array;
  private readonly recvFrame: Int16Array;
  private readonly level = new LevelMeter();
  private readonly tone?: ToneDetector;
  private readonly inband?: DtmfDetector;
  private readonly echoCheck?: EchoCheck;
  private inbandGen?: DtmfToneGenerator;
  private t0 = 0;
  private n = 0;
  private timer?: TimerHandle;
  private rtcpTimer?: TimerHandle;
  private running = false;
  private startedMs = 0;
  private endedMs?: number;
  private muted = false;
  private readonly second: MediaSecond;
  private digits = '';
  private dir: Direction;
  /** The send deadline of the frame being filled (for in-band digit times). */
  private fillingFor = 0;

  constructor(
    private readonly cfg: MediaSessionConfig,
    private readonly ports: MediaSessionPorts,
    private readonly observer: MediaObserver = {},
  ) {
    this.dir = cfg.direction;
    this.frameSamples = (8000 * cfg.ptimeMs) / 1000;
    this.sentFrame = new Int16Array(this.frameSamples);
    this.recvFrame = new Int16Array(this.frameSamples);
    this.playout = new PlayoutBuffer(this.frameSamples);
    this.sender = new RtpSender(
      { codec: cfg.codec, payloadType: cfg.sendPayloadType ?? cfg.payloadType, dtmfPayloadType: cfg.dtmfPayloadType, ssrc: cfg.ssrc, sequence: cfg.sequence, timestamp: cfg.timestamp, frameSamples: this.frameSamples, ptimeMs: cfg.ptimeMs },
      (b, l) => ports.sendRtp(b, l),
    );
    this.sender.onDigitSent = (digit, _e, atMs, durationMs) => observer.digitSent?.({ digit, method: 'rfc4733', atMs, durationMs });
    this.receiver = new RtpReceiver({ codec: cfg.codec, payloadType: cfg.payloadType, dtmfPayloadType: cfg.dtmfPayloadType, frameSamples: this.frameSamples, ownSsrc: cfg.ssrc }, this.playout);
    this.receiver.onDigit = (d) => {
      this.digits += d.digit;
      observer.digitReceived?.({ ...d, method: 'rfc4733' });
    };
    const noted = new Set<string>();
    this.receiver.onLint = (code, text) => {
      if (noted.has(code)) return;
      noted.add(code);
      observer.note?.(code, text);
    };
    this.rtcp = new RtcpAgent(cfg.ssrc, cfg.cname, this.receiver.stats, { send: (b, l) => ports.sendRtcp(b, l), wallclockMs: ports.wallclockMs, random: ports.random });
    if (cfg.expectToneHz !== undefined) this.tone = new ToneDetector({ freqHz: cfg.expectToneHz, blockSamples: this.frameSamples });
    if (cfg.detectInbandDtmf !== false) {
      this.inband = new DtmfDetector({
        onDigit: (d) => {
          this.digits += d.digit;
          observer.digitReceived?.({ digit: d.digit, durationMs: 0, atMs: d.atMs, method: 'inband' });
        },
      });
    }
    if (cfg.checkEcho) {
      this.echoCheck = new EchoCheck();
      this.receiver.onAudio = (pcm, count, at) => this.echoCheck!.received(pcm, count, at);
    }
    this.second = new MediaSecond();
  }

  /** Starts pacing now; the first packet goes out at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.ports.clock.now();
    this.startedMs = now;
    this.t0 = now;
    this.n = 0;
    this.second.begin(now);
    this.prepareNext(now);
    this.arm();
    this.armRtcp();
  }

  /** Stops pacing; sends RTCP BYE (RFC 3550 §6.6) unless `quiet`. */
  stop(quiet = false): void {
    if (!this.running) return;
    this.running = false;
    this.endedMs = this.ports.clock.now();
    if (this.timer) this.ports.clock.clearTimer(this.timer);
    if (this.rtcpTimer) this.ports.clock.clearTimer(this.rtcpTimer);
    this.timer = this.rtcpTimer = undefined;
    if (!quiet) this.rtcp.report(this.endedMs, this.senderInfo(), true);
  }

  get isRunning(): boolean {
    return this.running;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.prepareAgain();
  }

  /** Our direction (RFC 3264 §6.1); a change reaches the very next packet time. */
  get direction(): Direction {
    return this.dir;
  }

  set direction(d: Direction) {
    this.dir = d;
    this.prepareAgain();
  }

  get isMuted(): boolean {
    return this.muted;
  }

  get canSendRfc4733(): boolean {
    return this.sender.canSendRfc4733;
  }

  /** Queue RFC 4733 digits (and pauses). */
  sendDtmf(items: readonly DtmfQueueItem[]): void {
    this.sender.queueDtmf(items);
    this.prepareAgain();
  }

  /** Play digits as in-band tones (ITU-T Q.23) in place of the source audio. */
  sendInbandDtmf(items: readonly DtmfQueueItem[]): void {
    const first = items.find((i) => i.kind === 'digit');
    const toneMs = first?.kind === 'digit' ? first.durationMs : 160;
    if (!this.inbandGen) {
      this.inbandGen = new DtmfToneGenerator({ toneMs, gapMs: 100 });
      // Stamped when the tone starts in a frame, at that frame's send deadline plus the offset.
      this.inbandGen.onKeyStart = (digit, offset) =>
        this.observer.digitSent?.({ digit, method: 'inband', atMs: this.fillingFor + (offset * 1000) / 8000, durationMs: this.inbandGen!.toneMs });
    }
    this.inbandGen.enqueue(items.map((i) => (i.kind === 'digit' ? { kind: 'digit' as const, symbol: i.digit as never, event: i.event } : i)));
    this.prepareAgain();
  }

  get dtmfBusy(): boolean {
    return this.sender.dtmfBusy || (this.inbandGen?.busy ?? false);
  }

  receiveRtp(buf: Uint8Array, length: number, address: string, port: number, arrivalMs: number): void {
    // Counted whatever our direction: RTP while we said we would not receive is a fact too.
    this.receiver.packet(buf, length, address, port, arrivalMs);
    if (this.receiver.ownSsrcSeen === 1) {
      this.observer.note?.('rtp-own-ssrc', 'the peer sends our own SSRC back: an RTP mirror (such as SIPp -rtp_echo); SSRC collision handling (RFC 3550 §8.2) is off for this stream');
    }
  }

  receiveRtcp(buf: Uint8Array, length: number, arrivalMs: number): void {
    this.rtcp.receive(buf, length, arrivalMs);
  }

  snapshot(): MediaSessionSnapshot {
    const st = this.receiver.stats;
    const lat = this.sender.lateness;
    const src = this.receiver.sources.map((s) => ({ ...s }));
    return {
      startedMs: this.startedMs,
      endedMs: this.endedMs,
      sent: {
        packets: this.sender.packets,
        octets: this.sender.octets,
        dtmfPackets: this.sender.dtmfPackets,
        sendJitterMs: { p50: round3(lat.percentile(50)), p99: round3(lat.percentile(99)), max: round3(lat.max) },
        skipped: this.sender.skipped,
      },
      received: {
        packets: st.received,
        audioPackets: this.receiver.audioPackets,
        expected: st.expected,
        lost: st.lost,
        lossPct: round3(st.lossFraction),
        jitterMs: round3(st.jitterMs),
        duplicates: st.duplicates,
        reordered: st.reordered,
        maxGapMs: round3(st.maxGapMs),
        firstMs: src.length ? Math.min(...src.map((s) => s.firstMs)) : undefined,
        lastMs: src.length ? Math.max(...src.map((s) => s.lastMs)) : undefined,
        ssrcChanges: st.ssrcChanges,
        invalid: this.receiver.invalid,
        comfortNoise: this.receiver.comfortNoise,
        dtmfPackets: this.receiver.dtmfPackets,
        ownSsrcEchoed: this.receiver.ownSsrcSeen,
        unexpectedPayloadTypes: [...this.receiver.unexpectedPt].map(([pt, packets]) => ({ pt, packets })),
        sources: src,
        levelDbfs: this.level.totalSamples > 0 ? round3(this.level.totalRmsDbfs) : undefined,
        peakDbfs: this.level.totalSamples > 0 ? round3(this.level.totalPeakDbfs) : undefined,
        concealed: this.playout.concealed,
      },
      rtcp: { ...this.rtcp.counts, problems: [...this.rtcp.counts.problems], peer: this.rtcp.peer ? { ...this.rtcp.peer } : undefined },
      tone: this.tone ? { hz: this.cfg.expectToneHz!, heard: this.tone.heard, firstHeardMs: this.tone.firstHeardMs, levelDbfs: this.tone.levelDbfs } : undefined,
      echo: this.echoCheck?.result(),
      digitsReceived: this.digits,
    };
  }

  private senderInfo(): { packets: number; octets: number; rtpTimestamp: number } | undefined {
    return this.sender.packets > 0 ? { packets: this.sender.packets, octets: this.sender.octets, rtpTimestamp: this.sender.timestamp } : undefined;
  }

  private arm(): void {
    const deadline = this.t0 + this.n * this.cfg.ptimeMs;
    this.timer = setTimerAt(this.ports.clock, deadline, () => this.fire(deadline));
  }

  private armRtcp(): void {
    const ms = this.rtcp.nextInterval(this.sender.packets > 0);
    this.rtcpTimer = this.ports.clock.setTimer(ms, () => {
      if (!this.running) return;
      this.rtcp.report(this.ports.clock.now(), this.senderInfo());
      this.armRtcp();
    });
  }

  private get sending(): boolean {
    return this.direction === 'sendrecv' || this.direction === 'sendonly';
  }

  /**
   * At the deadline: only the send of the packet prepared in advance. The rest of the packet
   * time's work comes back as a follow-up, which the deadline queue runs once every stream due
   * in the same instant has sent (src/clock/deadline-queue.ts).
   */
  private fire(deadline: number): (() => void) | undefined {
    if (!this.running) return undefined;
    const now = this.ports.clock.now();
    const late = now - deadline;
    const p = this.cfg.ptimeMs;
    if (late > 3 * p) {
      // A stall (the event loop was blocked): skip the packet times we missed rather than
      // send a burst the receiver cannot play (SIPp#665); the timestamps keep the real clock,
      // so the packet prepared for the old deadline is prepared again for this one (with M).
      const missed = Math.floor(late / p);
      const again = this.sender.unprepare();
      this.sender.skip(missed);
      this.n += missed;
      if (again) this.prepareNext(now);
    }
    this.sender.fire(late, this.sending);
    return () => this.afterSend(now);
  }

  /** The rest of one packet time: receive side, detectors, stats, the next packet, re-arm. */
  private afterSend(now: number): void {
    if (!this.running) return;
    this.receiver.tick(now);
    this.playout.pull(this.recvFrame);
    if (this.playout.playing) {
      this.level.push(this.recvFrame);
      this.tone?.push(this.recvFrame, now);
      this.inband?.push(this.recvFrame, now);
    }
    this.observer.frame?.(this.sentFrame, this.recvFrame);
    if (this.second.due(now)) {
      this.observer.second?.(this.second.take(now, this.snapshotForSecond()));
    }
    this.n++;
    this.prepareNext(this.t0 + this.n * this.cfg.ptimeMs);
    this.arm();
  }

  /** Prepares the next packet again after a change (hold, mute, digits), if it is not a digit's. */
  private prepareAgain(): void {
    if (this.running && this.sender.unprepare()) this.prepareNext(this.t0 + this.n * this.cfg.ptimeMs);
  }

  /** Fills and encodes the packet for the deadline `at`, ahead of it. */
  private prepareNext(at: number): void {
    this.fillSent(at);
    this.sender.prepare(this.sentFrame, this.sending, at);
  }

  private snapshotForSecond(): { sentPackets: number; receivedPackets: number; lost: number; jitterMs: number; levelDbfs?: number; toneHeard?: boolean; source?: RtpSourceCount; sendJitterP99: number; peer?: PeerView } {
    const st = this.receiver.stats;
    const level = this.level.samples > 0 ? this.level.rmsDbfs : undefined;
    this.level.nextInterval();
    return {
      sentPackets: this.sender.packets,
      receivedPackets: st.received,
      lost: st.lost,
      jitterMs: st.jitterMs,
      levelDbfs: level,
      toneHeard: this.tone?.heard,
      source: this.receiver.sources[this.receiver.sources.length - 1],
      sendJitterP99: this.sender.lateness.percentile(99),
      peer: this.rtcp.peer,
    };
  }

  /** The frame to send this packet time. */
  private fillSent(at: number): void {
    this.fillingFor = at;
    const f = this.sentFrame;
    if (this.inbandGen?.busy) this.inbandGen.fill(f);
    else if (this.cfg.echo) f.set(this.recvFrame);
    else if (this.echoCheck) this.echoCheck.fill(f, at);
    else this.cfg.source.fill(f);
    if (this.muted) f.fill(0);
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
