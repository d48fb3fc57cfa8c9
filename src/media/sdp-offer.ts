import { ipFamily } from './address-class.js';
import { G711_PAYLOAD_TYPE, negotiate, type G711Name, type LocalMedia, type MediaAgreed, type MediaRefused } from './negotiate.js';
import { SDP_DIRECTIONS, type SdpDirection, type SdpSession } from './sdp-session.js';

/**
 * The SDP sipcall writes: the offer (RFC 3264 §5) and the answer to a peer's offer (RFC 3264 §6).
 * The same answer serves an INVITE (UAS), an offer that arrives in a 2xx (late offer: the answer
 * goes in the ACK, RFC 3261 §13.2.2.4) and a re-INVITE (RFC 3264 §8: keep `sessionId`, pass
 * `sessionVersion` one higher than our last SDP when anything changed).
 *
 * Lines in RFC 4566 §5 order (`v o s c t m a`), CRLF line ends (RFC 4566 §5: "The sequence CRLF
 * (0x0d0a) is used to end a record").
 */

export interface SdpWriteOptions {
  /** Our address for `o=` and `c=`: an IPv4 or IPv6 literal, no brackets. IP4/IP6 follows from it. */
  address: string;
  /** Our RTP port for `m=audio` (RFC 3550 §11: even). */
  port: number;
  /** RFC 4566 §5.2 `<sess-id>`: "a numeric string". */
  sessionId: string;
  /** RFC 4566 §5.2 `<sess-version>`; default `sessionId`. */
  sessionVersion?: string;
  /** Codecs, best first; default PCMU, PCMA (static payload types 0 and 8, RFC 3551 §6). */
  codecs?: readonly G711Name[];
  /** telephone-event payload type (RFC 4733 §7.1.1), default 101; `null` offers no RFC 4733 DTMF. In an answer only `null` matters: the offer's type is echoed. */
  dtmfPayloadType?: number | null;
  /** `a=ptime` in ms (RFC 4566 §6), default 20. */
  ptime?: number;
  /** Our direction (RFC 3264 §5.1), default `sendrecv`; `sendonly` / `inactive` to hold (§8.4). */
  direction?: SdpDirection;
  /** RFC 3605 `a=rtcp:<port>`, written when given. */
  rtcpPort?: number;
}

/** An option `buildOffer` / `buildAnswer` cannot write. `code` names the option. */
export class SdpBuildError extends Error {
  override readonly name = 'SdpBuildError';
  readonly code: 'bad-address' | 'bad-port' | 'bad-session-id' | 'bad-codecs' | 'bad-payload-type' | 'bad-ptime' | 'bad-direction';
  constructor(code: SdpBuildError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The session-level lines common to offer and answer: v, o, s, c, t (RFC 4566 §5 order). */
function sessionLines(o: Required<Pick<SdpWriteOptions, 'address' | 'sessionId' | 'sessionVersion'>>, timing = '0 0'): string[] {
  const ip = ipFamily(o.address) === 6 ? 'IP6' : 'IP4';
  return ['v=0', `o=sipcall ${o.sessionId} ${o.sessionVersion} IN ${ip} ${o.address}`, 's=sipcall', `c=IN ${ip} ${o.address}`, `t=${timing}`];
}

function check(o: SdpWriteOptions): Required<Omit<SdpWriteOptions, 'rtcpPort'>> & { rtcpPort?: number } {
  if (ipFamily(o.address) === 0) throw new SdpBuildError('bad-address', `"${o.address}" is not an IPv4 or IPv6 literal`);
  const isPort = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535;
  if (!isPort(o.port)) throw new SdpBuildError('bad-port', `RTP port ${o.port} is not in 1–65535`);
  if (o.rtcpPort !== undefined && !isPort(o.rtcpPort)) throw new SdpBuildError('bad-port', `RTCP port ${o.rtcpPort} is not in 1–65535`);
  const sessionVersion = o.sessionVersion ?? o.sessionId;
  for (const id of [o.sessionId, sessionVersion]) {
    if (!/^\d{1,20}$/.test(id)) throw new SdpBuildError('bad-session-id', `o= session id/version "${id}" is not a numeric string (RFC 4566 §5.2)`);
  }
  const codecs = o.codecs ?? ['PCMU', 'PCMA'];
  if (codecs.length === 0 || codecs.some((c) => !(c in G711_PAYLOAD_TYPE)) || new Set(codecs).size !== codecs.length) {
    throw new SdpBuildError('bad-codecs', `codecs [${codecs.join(', ')}]: list PCMU and/or PCMA, each once`);
  }
  const dtmf = o.dtmfPayloadType === undefined ? 101 : o.dtmfPayloadType;
  if (dtmf !== null && !(Number.isInteger(dtmf) && dtmf >= 96 && dtmf <= 127)) {
    throw new SdpBuildError('bad-payload-type', `telephone-event payload type ${dtmf} is not a dynamic type 96–127 (RFC 3551 §3)`);
  }
  const ptime = o.ptime ?? 20;
  if (!Number.isInteger(ptime) || ptime < 10 || ptime > 200) throw new SdpBuildError('bad-ptime', `ptime ${ptime} is not a whole number of ms in 10–200`);
  const direction = o.direction ?? 'sendrecv';
  if (!SDP_DIRECTIONS.includes(direction)) throw new SdpBuildError('bad-direction', `direction "${direction}" is not one of ${SDP_DIRECTIONS.join(', ')}`);
  const out = { address: o.address, port: o.port, sessionId: o.sessionId, sessionVersion, codecs, dtmfPayloadType: dtmf, ptime, direction };
  return o.rtcpPort === undefined ? out : { ...out, rtcpPort: o.rtcpPort };
}

/** What `negotiate` needs to know about the SDP these options write. */
export function localMediaOf(opts: Pick<SdpWriteOptions, 'codecs' | 'dtmfPayloadType' | 'ptime' | 'direction'>): LocalMedia {
  const local: LocalMedia = {
    codecs: (opts.codecs ?? ['PCMU', 'PCMA']).map((name) => ({ name, payloadType: G711_PAYLOAD_TYPE[name] })),
    direction: opts.direction ?? 'sendrecv',
    ptime: opts.ptime ?? 20,
  };
  const dtmf = opts.dtmfPayloadType === undefined ? 101 : opts.dtmfPayloadType;
  if (dtmf !== null) local.dtmfPayloadType = dtmf;
  return local;
}

/**
 * The initial offer (RFC 3264 §5.1): one audio stream, e.g.
 * ```
 * m=audio 40000 RTP/AVP 0 8 101
 * a=rtpmap:0 PCMU/8000  a=rtpmap:8 PCMA/8000  a=rtpmap:101 telephone-event/8000
 * a=fmtp:101 0-16  a=ptime:20  a=sendrecv
 * ```
 * RFC 3264 §5.1: "If the offerer wishes to both send and receive media with its peer, it MAY
 * include an "a=sendrecv" attribute" — we always write the direction, so a reader never guesses.
 */
export function buildOffer(opts: SdpWriteOptions): string {
  const o = check(opts);
  const pts = o.codecs.map((c) => G711_PAYLOAD_TYPE[c]);
  const lines = sessionLines(o);
  lines.push(`m=audio ${o.port} RTP/AVP ${[...pts, ...(o.dtmfPayloadType !== null ? [o.dtmfPayloadType] : [])].join(' ')}`);
  for (const c of o.codecs) lines.push(`a=rtpmap:${G711_PAYLOAD_TYPE[c]} ${c}/8000`);
  if (o.dtmfPayloadType !== null) lines.push(`a=rtpmap:${o.dtmfPayloadType} telephone-event/8000`, `a=fmtp:${o.dtmfPayloadType} 0-16`);
  lines.push(`a=ptime:${o.ptime}`, `a=${o.direction}`);
  if (o.rtcpPort !== undefined) lines.push(`a=rtcp:${o.rtcpPort}`);
  return lines.join('\r\n') + '\r\n';
}

/**
 * `buildAnswer`'s result: an answer, or the 488 to send instead (RFC 3261 §21.4.26 "Not
 * Acceptable Here"; in a late offer, the UAC sends the ACK and then a BYE, RFC 3261 §13.2.2.4).
 */
export type AnswerResult =
  | { ok: true; sdp: string; agreement: MediaAgreed }
  | {
      ok: false;
      status: 488;
      /** A Warning header value (RFC 3261 §20.43), e.g. `305 sipcall "Incompatible media format: …"`. */
      warning: string;
      refusal: MediaRefused | { ok: false; reason: 'address-family'; line: number; text: string };
    };

/**
 * The answer to `offer` (RFC 3264 §6):
 * - "The answer MUST contain exactly the same number of "m=" lines as the offer", in the same
 *   order; every stream but the one audio stream we use gets port 0 ("An offered stream MAY be
 *   rejected in the answer ... by setting the port in the m line to zero"), its formats echoed.
 * - "The "t=" line in the answer MUST equal that of the offer."
 * - The codec is the first offered one we support, with the offer's payload type (§6.1: "that
 *   same payload type number SHOULD be used for that codec in the answer"); telephone-event is
 *   echoed with the offer's type when offered at 8000 Hz.
 * - Direction per §6.1 (offer sendonly → recvonly, recvonly → sendonly, inactive → inactive),
 *   narrowed by our own `direction` (hold); `c=0.0.0.0` in the offer is RFC 2543 hold: we will
 *   not send (§8.4), so sendrecv is answered recvonly.
 *
 * When no audio stream is usable: a 488 with the RFC 3261 §20.43 warn-code that fits — 304
 * "Media type not available", 305 "Incompatible media format", 302 "Incompatible transport
 * protocol" (SRTP only), 301 "Incompatible network address formats", 399 otherwise.
 */
export function buildAnswer(offer: SdpSession, opts: SdpWriteOptions): AnswerResult {
  const o = check(opts);
  const agreement = negotiate(localMediaOf(o), offer, 'answerer');
  if (!agreement.ok) return { ok: false, status: 488, warning: warningFor(agreement), refusal: agreement };
  const family = ipFamily(o.address);
  if (agreement.hold !== 'c=0.0.0.0' && agreement.remote.family !== family) {
    const line = agreement.remote.lines.connection;
    const text = `offer line ${line}: ${offer.lines[line - 1]}: an IPv${agreement.remote.family} address, and our media address ${o.address} is IPv${family}`;
    return { ok: false, status: 488, warning: warning(301, 'Incompatible network address formats', text), refusal: { ok: false, reason: 'address-family', line, text } };
  }

  const timing = offer.timing ? `${offer.timing.start} ${offer.timing.stop}` : '0 0';
  const lines = sessionLines(o, timing);
  offer.media.forEach((m, i) => {
    if (i !== agreement.mediaIndex) {
      lines.push(`m=${m.type || 'audio'} 0 ${m.proto || 'RTP/AVP'} ${m.formats.length ? m.formats.join(' ') : '0'}`);
      return;
    }
    const { codec } = agreement;
    const te = agreement.dtmfPayloadType;
    lines.push(`m=audio ${o.port} ${m.proto} ${codec.payloadType}${te !== undefined ? ` ${te}` : ''}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${codec.name}/8000`);
    if (te !== undefined) lines.push(`a=rtpmap:${te} telephone-event/8000`, `a=fmtp:${te} ${m.fmtp.get(te)?.params ?? '0-16'}`);
    lines.push(`a=ptime:${o.ptime}`, `a=${agreement.direction}`);
    if (o.rtcpPort !== undefined) lines.push(`a=rtcp:${o.rtcpPort}`);
  });
  return { ok: true, sdp: lines.join('\r\n') + '\r\n', agreement };
}

function warningFor(r: MediaRefused): string {
  switch (r.reason) {
    case 'no-audio':
      return warning(304, 'Media type not available', r.text);
    case 'port-zero':
      return warning(304, 'Media type not available', r.text);
    case 'no-common-codec':
      return warning(305, 'Incompatible media format', r.codecs ? `offered ${r.codecs.theirs.join(', ') || 'nothing'}; we support ${r.codecs.ours.join(', ')}` : r.text);
    case 'srtp-only':
      return warning(302, 'Incompatible transport protocol', r.text);
    default:
      return warning(399, 'Miscellaneous warning', r.text);
  }
}

/** RFC 3261 §20.43 `warning-value = warn-code SP warn-agent SP warn-text`; warn-text a quoted-string (§25.1). */
function warning(code: number, label: string, detail: string): string {
  const text = `${label}: ${detail}`.replace(/[\x00-\x1f\x7f]/g, ' ').replace(/[\\"]/g, (c) => `\\${c}`);
  return `${code} sipcall "${text}"`;
}
