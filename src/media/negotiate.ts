import { ipFamily } from './address-class.js';
import { codecOf, payloadTypes } from './sdp-codecs.js';
import { effectiveConnection, effectiveDirection, type SdpDirection, type SdpMedia, type SdpSession } from './sdp-session.js';

/**
 * What one side concludes from the other's SDP (RFC 3264): the offerer from the answer (§7),
 * the answerer from the offer (§6). Pure: no I/O; the result carries the evidence (line numbers,
 * both codec lists) that the media verdicts print.
 */

/** The codecs sipcall can send and receive (G.711, RFC 3551 §4.5.14). */
import type { G711Codec } from './g711.js';
export type G711Name = G711Codec;

/** RFC 3551 §6: the static payload type of each G.711 law. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Name, number>> = { PCMU: 0, PCMA: 8 };

/** Our own side: what we offered (offerer) or what we can do (answerer). */
export interface LocalMedia {
  /** Best first, each with the payload type our SDP gives it (static 0 / 8 unless told otherwise). */
  codecs: readonly { name: G711Name; payloadType: number }[];
  /** The telephone-event payload type we listed (RFC 4733 §7.1.1); absent: no RFC 4733 DTMF. */
  dtmfPayloadType?: number;
  /** The direction we offered, or want as answerer (e.g. `sendonly` to hold). */
  direction: SdpDirection;
  /** Our packet time in ms (RFC 4566 §6 `a=ptime`). */
  ptime: number;
}

export type NegotiationRole = 'offerer' | 'answerer';

/**
 * | code | when |
 * |---|---|
 * | `multiple-codecs` | the answer lists more than one audio codec; we send the first we support (RFC 3264 §7) |
 * | `ptime` | the peer's `a=ptime` is not 20 ms |
 * | `no-telephone-event` | we want RFC 4733 DTMF but the peer lists no telephone-event: DTMF falls back to SIP INFO |
 * | `telephone-event-clock` | telephone-event at a clock other than the audio clock (RFC 4733 §2.1): not used |
 * | `payload-type-not-offered` | the answer lists a payload type our offer did not (RFC 3264 §6.1) |
 * | `direction-not-allowed` | the answer's direction is not one RFC 3264 §6.1 allows for our offer |
 * | `hold-address` | `c=` is 0.0.0.0 (or `::`): RFC 2543 hold, "neither RTP nor RTCP should be sent to the peer" (RFC 3264 §8.4) |
 * | `connection-fqdn` | `c=` names a host, not an IP literal (RFC 4566 §5.7 allows it): it must be resolved |
 * | `crypto-ignored` | `a=crypto` on a plain RTP/AVP stream: SRTP is not used (RFC 4568 §3.1.4 needs RTP/SAVP) |
 * | `stream-skipped` | an earlier audio stream could not be used; this one was taken |
 */
export type MediaNoteCode =
  | 'multiple-codecs'
  | 'ptime'
  | 'no-telephone-event'
  | 'telephone-event-clock'
  | 'payload-type-not-offered'
  | 'direction-not-allowed'
  | 'hold-address'
  | 'connection-fqdn'
  | 'crypto-ignored'
  | 'stream-skipped';

export interface MediaNote {
  code: MediaNoteCode;
  /** The line of the remote SDP that the note is about. */
  line?: number;
  text: string;
}

export interface MediaAgreed {
  ok: true;
  /** Index in `remote.media` of the stream used. */
  mediaIndex: number;
  /** The codec we send and expect: the payload type is the one the REMOTE SDP gives it (RFC 3264 §5.1, §6.1). */
  codec: { payloadType: number; name: G711Name; clockRate: 8000 };
  /** The remote SDP's telephone-event payload type (RFC 4733), when both sides have it at 8000 Hz. */
  dtmfPayloadType?: number;
  remote: {
    address: string;
    port: number;
    /** RFC 3605 `a=rtcp` if present; the RTP port with `a=rtcp-mux` (RFC 5761); else port + 1 (RFC 3550 §11). */
    rtcpPort: number;
    /** RFC 3605 `a=rtcp` address if present, else `address`. */
    rtcpAddress: string;
    family: 4 | 6;
    /** The `c=` used, cited for a verdict: `line 5: c=IN IP4 10.0.0.7` (prefix it with "answer"/"offer"). */
    connectionLine: string;
    /** The `m=` used, cited: `line 6: m=audio 40378 RTP/AVP 8 0 101`. */
    mediaLine: string;
    /** The same lines as 1-based numbers in the remote SDP. */
    lines: { connection: number; media: number; direction?: number };
  };
  /** The direction attribute that applies (media, else session level), cited; absent when the default sendrecv applies. */
  directionLine?: string;
  /** OUR side: may we send, receive, both or neither (RFC 3264 §6.1 read from our side). */
  direction: SdpDirection;
  /** How the remote SDP holds the stream from its side, if it does (RFC 3264 §8.4; RFC 2543 for `c=0.0.0.0`). */
  hold: 'none' | 'inactive' | 'sendonly' | 'c=0.0.0.0';
  /** Milliseconds per packet: the peer's `a=ptime`, else ours. */
  ptime: number;
  notes: MediaNote[];
}

export type MediaFailureReason = 'no-audio' | 'port-zero' | 'no-common-codec' | 'srtp-only' | 'unusable-sdp';

export interface MediaRefused {
  ok: false;
  reason: MediaFailureReason;
  /** The line of the remote SDP at fault (the `m=` line, unless another is more precise). */
  line?: number;
  mediaIndex?: number;
  /**
   * The evidence in one sentence, starting with the offending line as written (the caller
   * prefixes "answer line N"), e.g. `m=audio 0 RTP/AVP 0: port 0: the peer rejected …`.
   */
  text: string;
  /** For `no-common-codec` and `no-audio`: what each side listed, one readable evidence line per side. */
  offered?: string[];
  /** The same as data: `NAME/clock` per payload type (`PT n` without rtpmap), or the m= types for `no-audio`. */
  codecs?: { ours: string[]; theirs: string[] };
}

/** The result of `negotiate`. */
export type MediaAgreement = MediaAgreed | MediaRefused;

export function negotiate(local: LocalMedia, remote: SdpSession, role: NegotiationRole): MediaAgreement {
  const side = role === 'offerer' ? 'answer' : 'offer';
  const audio = remote.media.map((media, index) => ({ media, index })).filter((x) => x.media.type.toLowerCase() === 'audio');
  if (audio.length === 0) {
    const types = remote.media.map((m) => m.type || '?');
    return {
      ok: false,
      reason: 'no-audio',
      ...(remote.media[0] ? { line: remote.media[0].line } : {}),
      text: `the ${side} has no m=audio stream${types.length ? ` (it lists ${types.join(', ')})` : ' (no m= line at all)'}`,
      offered: [`${role === 'offerer' ? 'we offered' : 'we support'} audio: ${ourNames(local).join(', ')}`, `the ${side} lists media: ${types.join(', ') || 'none'}`],
      codecs: { ours: ourNames(local), theirs: types },
    };
  }
  let first: MediaRefused | undefined;
  for (const { media, index } of audio) {
    const r = negotiateStream(local, remote, media, index, role);
    if (r.ok) {
      if (first !== undefined) r.notes.unshift({ code: 'stream-skipped', line: first.line, text: first.text });
      return r;
    }
    first ??= r;
  }
  return first as MediaRefused;
}

function negotiateStream(local: LocalMedia, session: SdpSession, media: SdpMedia, index: number, role: NegotiationRole): MediaAgreement {
  const side = role === 'offerer' ? 'answer' : 'offer';
  const text = (line: number): string => session.lines[line - 1] ?? '';
  const cite = (line: number): string => `${side} line ${line}: ${text(line)}`;
  const refuse = (reason: MediaFailureReason, line: number, why: string, codecs?: MediaRefused['codecs']): MediaRefused => {
    const r: MediaRefused = { ok: false, reason, line, mediaIndex: index, text: `${text(line)}: ${why}` };
    if (codecs) {
      r.codecs = codecs;
      r.offered = [`${role === 'offerer' ? 'we offered' : 'we support'} ${codecs.ours.join(', ')}`, `the ${side} lists ${codecs.theirs.join(', ') || 'nothing'}`];
    }
    return r;
  };

  if (!media.valid) return refuse('unusable-sdp', media.line, 'the m= line cannot be read (RFC 4566 §5.14)');
  if (media.port === 0) {
    return refuse(
      'port-zero',
      media.line,
      role === 'offerer' ? 'port 0: the peer rejected the audio stream (RFC 3264 §6)' : 'port 0: the stream is offered but "MUST NOT be used" (RFC 3264 §5.1)',
    );
  }
  const proto = media.proto.toUpperCase();
  if (proto.includes('SAVP')) {
    return refuse('srtp-only', media.line, `${media.proto} requires SRTP (RFC 3711), which sipcall does not do`);
  }
  if (proto !== 'RTP/AVP' && proto !== 'RTP/AVPF') {
    return refuse('unusable-sdp', media.line, `transport ${media.proto || '(none)'} is not RTP/AVP (RFC 3551)`);
  }
  const conn = effectiveConnection(session, media);
  if (conn === undefined) return refuse('unusable-sdp', media.line, 'no c= line for this stream nor at session level (RFC 4566 §5.7)');
  if (conn.netType !== 'IN') return refuse('unusable-sdp', conn.line, `nettype ${conn.netType} is not IN (RFC 4566 §5.7)`);

  const notes: MediaNote[] = [];
  const note = (code: MediaNoteCode, line: number | undefined, text: string): void => {
    notes.push(line === undefined ? { code, text } : { code, line, text });
  };

  // Codec: RFC 3264 §7 "It MUST send using a media format listed in the answer, and it SHOULD
  // use the first media format listed in the answer when it does send." We take the first
  // listed that we support (and, as offerer, that we offered).
  const ours = new Map(local.codecs.map((c) => [c.name, c.payloadType]));
  const offeredPts = new Set([...local.codecs.map((c) => c.payloadType), ...(local.dtmfPayloadType !== undefined ? [local.dtmfPayloadType] : [])]);
  const pts = payloadTypes(media);
  let chosen: MediaAgreed['codec'] | undefined;
  const audioCodecs: string[] = [];
  let telephoneEvent: { pt: number; clock: number; line?: number } | undefined;
  for (const pt of pts) {
    const c = codecOf(media, pt);
    const name = c?.encoding.toUpperCase();
    if (name === 'TELEPHONE-EVENT') {
      telephoneEvent ??= { pt, clock: c?.clockRate ?? 0, ...(c?.line !== undefined ? { line: c.line } : {}) };
    } else if (name !== 'CN') {
      audioCodecs.push(c ? c.encoding : `PT ${pt}`);
    }
    if (role === 'offerer' && !offeredPts.has(pt)) {
      note('payload-type-not-offered', c?.line ?? media.line, `${cite(c?.line ?? media.line)}: payload type ${pt}${c ? ` (${c.encoding}/${c.clockRate})` : ''} was not in our offer (RFC 3264 §6.1)`);
    }
    if (chosen === undefined && (name === 'PCMU' || name === 'PCMA') && c?.clockRate === 8000 && (c.channels ?? 1) === 1 && ours.has(name)) {
      chosen = { payloadType: pt, name, clockRate: 8000 };
    }
  }
  if (chosen === undefined) {
    const theirs = pts.map((pt) => {
      const c = codecOf(media, pt);
      return c ? `${c.encoding}/${c.clockRate}` : `PT ${pt}`;
    });
    return refuse(
      'no-common-codec',
      media.line,
      `the ${side} lists ${theirs.join(', ') || 'nothing'}; ${role === 'offerer' ? 'we offered' : 'we support'} ${ourNames(local).join(', ')} (RFC 3264 §6.1)`,
      { ours: ourNames(local), theirs },
    );
  }
  if (role === 'offerer' && audioCodecs.length > 1) {
    note('multiple-codecs', media.line, `${cite(media.line)}: the answer lists ${audioCodecs.length} codecs (${audioCodecs.join(', ')}); we send ${chosen.name}, the first we support (RFC 3264 §7)`);
  }

  // RFC 4733 §2.1: telephone-event uses the clock rate of the audio codec.
  let dtmfPayloadType: number | undefined;
  if (local.dtmfPayloadType !== undefined) {
    if (telephoneEvent === undefined) {
      note('no-telephone-event', media.line, `the ${side} lists no telephone-event (RFC 4733): DTMF falls back to SIP INFO`);
    } else if (telephoneEvent.clock !== chosen.clockRate) {
      note(
        'telephone-event-clock',
        telephoneEvent.line ?? media.line,
        `${cite(telephoneEvent.line ?? media.line)}: telephone-event at ${telephoneEvent.clock} Hz, not the ${chosen.clockRate} Hz audio clock (RFC 4733 §2.1): not used, DTMF falls back to SIP INFO`,
      );
    } else {
      dtmfPayloadType = telephoneEvent.pt;
    }
  }

  // Address: RFC 3264 §8.4 "An agent MUST be capable of receiving SDP with a connection address
  // of 0.0.0.0, in which case it means that neither RTP nor RTCP should be sent to the peer."
  const holdAddress = conn.address === '0.0.0.0' || (conn.addrType === 'IP6' && ipFamily(conn.address) === 6 && /^[0:]+$/.test(conn.address));
  if (holdAddress) note('hold-address', conn.line, `${cite(conn.line)}: RFC 2543 hold; we send neither RTP nor RTCP (RFC 3264 §8.4)`);
  else if (ipFamily(conn.address) === 0) note('connection-fqdn', conn.line, `${cite(conn.line)}: a host name, not an IP address; it must be resolved (RFC 4566 §5.7)`);
  if (media.crypto.length > 0) note('crypto-ignored', media.crypto[0].line, `${cite(media.crypto[0].line)}: a=crypto on ${media.proto} is ignored; the stream is plain RTP (RFC 4568 §3.1.4)`);

  // Direction, RFC 3264 §6.1: "If a stream is offered as sendonly, the corresponding stream MUST
  // be marked as recvonly or inactive in the answer. ... If an offered media stream is listed as
  // inactive, it MUST be marked as inactive in the answer."
  const remoteDir = effectiveDirection(session, media);
  if (role === 'offerer' && !allowedAnswers(local.direction).includes(remoteDir.value)) {
    note(
      'direction-not-allowed',
      remoteDir.line ?? media.line,
      `${remoteDir.line !== undefined ? cite(remoteDir.line) : `answer (default ${remoteDir.value})`}: RFC 3264 §6.1 allows only ${allowedAnswers(local.direction).join(' or ')} in answer to our ${local.direction}`,
    );
  }
  const weSend = sends(local.direction) && receives(remoteDir.value) && !holdAddress;
  const weReceive = receives(local.direction) && sends(remoteDir.value);
  const hold: MediaAgreed['hold'] = holdAddress ? 'c=0.0.0.0' : remoteDir.value === 'inactive' ? 'inactive' : remoteDir.value === 'sendonly' ? 'sendonly' : 'none';

  const ptime = media.ptime?.value ?? local.ptime;
  if (media.ptime !== undefined && media.ptime.value !== 20) {
    note('ptime', media.ptime.line, `${cite(media.ptime.line)}: the peer asks for ${media.ptime.value} ms packets, not 20 (RFC 4566 §6)`);
  }

  const rtcpPort = media.rtcp?.port ?? (media.rtcpMux ? media.port : media.port + 1);
  const agreed: MediaAgreed = {
    ok: true,
    mediaIndex: index,
    codec: chosen,
    remote: {
      address: conn.address,
      port: media.port,
      rtcpPort,
      rtcpAddress: media.rtcp?.address ?? conn.address,
      family: conn.addrType === 'IP6' ? 6 : 4,
      connectionLine: `line ${conn.line}: ${text(conn.line)}`,
      mediaLine: `line ${media.line}: ${text(media.line)}`,
      lines: { connection: conn.line, media: media.line, ...(remoteDir.line !== undefined ? { direction: remoteDir.line } : {}) },
    },
    direction: toDirection(weSend, weReceive),
    hold,
    ptime,
    notes,
  };
  if (dtmfPayloadType !== undefined) agreed.dtmfPayloadType = dtmfPayloadType;
  if (remoteDir.line !== undefined) agreed.directionLine = `line ${remoteDir.line}: ${text(remoteDir.line)}`;
  return agreed;
}

/** RFC 3264 §6.1: the answers allowed for each offered direction. */
export function allowedAnswers(offered: SdpDirection): SdpDirection[] {
  switch (offered) {
    case 'sendonly':
      return ['recvonly', 'inactive'];
    case 'recvonly':
      return ['sendonly', 'inactive'];
    case 'inactive':
      return ['inactive'];
    default:
      return ['sendrecv', 'sendonly', 'recvonly', 'inactive'];
  }
}

export function sends(d: SdpDirection): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

export function receives(d: SdpDirection): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

export function toDirection(send: boolean, receive: boolean): SdpDirection {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive';
}

function ourNames(local: LocalMedia): string[] {
  return [...local.codecs.map((c) => `${c.name}/8000`), ...(local.dtmfPayloadType !== undefined ? ['telephone-event/8000'] : [])];
}
