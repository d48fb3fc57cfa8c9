/**
 * The SDP session as sipcall reads it (RFC 4566): the model `parseSdp` (sdp.ts) fills, every
 * field with its 1-based line number in the body, and what applies to one media stream when
 * the media and the session level both may say it (RFC 4566 §5.7 `c=`, RFC 3264 §5.1 direction).
 */

/** RFC 4566 §6 (and RFC 3264 §5.1): the four direction attributes. Default `sendrecv`. */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export const SDP_DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * Why a line (or a missing line) breaks RFC 4566. Stable codes for programs; `text` is for people.
 *
 * | code | meaning |
 * |---|---|
 * | `bad-line` | not `<letter>=<value>` (§5) |
 * | `unknown-type` | a type letter RFC 4566 §5 does not define (kept, otherwise ignored) |
 * | `missing-version` / `bad-version` / `version-not-first` | §5.1: `v=0` and first |
 * | `missing-origin` / `bad-origin` | §5.2 `o=` absent or not six fields |
 * | `missing-session-name` | §5.3 `s=` absent |
 * | `missing-timing` / `bad-timing` | §5.9 `t=` absent or not two numbers |
 * | `misplaced-line` | a session-only line (`v=`, `o=`, `s=`, `t=`) after the first `m=` |
 * | `bad-connection` / `duplicate-connection` | §5.7 `c=` malformed, or a second one in the same scope (the first is used) |
 * | `missing-connection` | §5.7: "A session description MUST contain either at least one `c=` field in each media description or a single `c=` field at the session level" |
 * | `bad-media` | §5.14 `m=` line without media, numeric port (0–65535) or proto |
 * | `missing-formats` / `bad-format` | §5.14 no `<fmt>`; or a non-numeric/ >127 RTP payload type |
 * | `bad-rtpmap` / `duplicate-rtpmap` / `rtpmap-not-in-formats` | §6 `a=rtpmap` |
 * | `bad-fmtp` / `duplicate-fmtp` / `fmtp-not-in-formats` | §6 `a=fmtp` |
 * | `bad-ptime` | §6 `a=ptime` not a number of milliseconds |
 * | `bad-rtcp` | RFC 3605 §2.1 `a=rtcp` |
 * | `duplicate-direction` | two direction attributes in one scope (the first is used) |
 * | `media-attribute-at-session-level` | `rtpmap`, `fmtp`, `ptime`, `rtcp`, `rtcp-mux` or `crypto` before any `m=` (ignored there) |
 */
export type SdpProblemCode =
  | 'bad-line'
  | 'unknown-type'
  | 'missing-version'
  | 'bad-version'
  | 'version-not-first'
  | 'missing-origin'
  | 'bad-origin'
  | 'missing-session-name'
  | 'missing-timing'
  | 'bad-timing'
  | 'misplaced-line'
  | 'bad-connection'
  | 'duplicate-connection'
  | 'missing-connection'
  | 'bad-media'
  | 'missing-formats'
  | 'bad-format'
  | 'bad-rtpmap'
  | 'duplicate-rtpmap'
  | 'rtpmap-not-in-formats'
  | 'bad-fmtp'
  | 'duplicate-fmtp'
  | 'fmtp-not-in-formats'
  | 'bad-ptime'
  | 'bad-rtcp'
  | 'duplicate-direction'
  | 'media-attribute-at-session-level';

export interface SdpProblem {
  code: SdpProblemCode;
  /** 1-based line number; for a missing session-level line, 1. */
  line: number;
  text: string;
}

/** RFC 4566 §5.13: `a=<attribute>` or `a=<attribute>:<value>`. Every `a=` line, in order. */
export interface SdpAttribute {
  name: string;
  value?: string;
  line: number;
}

/** RFC 4566 §5.2 `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`. Ids stay strings: they may exceed 2^53. */
export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
  line: number;
}

/**
 * RFC 4566 §5.7 `c=<nettype> <addrtype> <connection-address>`. For IP4 multicast the address
 * may carry `/<ttl>[/<number of addresses>]`, for IP6 `/<number of addresses>`; `address` is
 * without them. `raw` is the whole line as written (trailing whitespace removed).
 */
export interface SdpConnection {
  netType: string;
  addrType: 'IP4' | 'IP6';
  address: string;
  ttl?: number;
  addressCount?: number;
  line: number;
  raw: string;
}

/** RFC 4566 §5.9 `t=<start-time> <stop-time>` (the first one; RFC 3264 §6 copies it into the answer). */
export interface SdpTiming {
  start: string;
  stop: string;
  line: number;
}

/** RFC 4566 §6 `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`. */
export interface SdpRtpmap {
  encoding: string;
  clockRate: number;
  /** The encoding parameters when numeric: for audio, the number of channels. */
  channels?: number;
  line: number;
}

/** RFC 4566 §6 `a=fmtp:<format> <format specific parameters>`; `params` as written (trimmed). */
export interface SdpFmtp {
  params: string;
  line: number;
}

/** RFC 3605 §2.1 `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]`. */
export interface SdpRtcp {
  port: number;
  netType?: string;
  addrType?: string;
  address?: string;
  line: number;
}

/**
 * RFC 4568 §9.1 `a=crypto:<tag> <crypto-suite> <key-params> …`. The key material is NOT kept
 * here: callers print these objects (`lines` still has the text).
 */
export interface SdpCrypto {
  tag: string;
  suite: string;
  line: number;
}

/** A value that came from one line. */
export interface SdpValue<T> {
  value: T;
  line: number;
}

/**
 * One media description: RFC 4566 §5.14 `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`
 * and the lines after it up to the next `m=`.
 */
export interface SdpMedia {
  /** False when the `m=` line broke the §5.14 grammar: the fields then hold what could be read (port 0 when unreadable). */
  valid: boolean;
  type: string;
  port: number;
  portCount?: number;
  proto: string;
  /** The `<fmt>` list as written; for RTP protos, payload type numbers (RFC 4566 §5.14). */
  formats: string[];
  line: number;
  /** The `m=` line as written (trailing whitespace removed). */
  raw: string;
  connection?: SdpConnection;
  rtpmap: Map<number, SdpRtpmap>;
  fmtp: Map<number, SdpFmtp>;
  direction?: SdpValue<SdpDirection>;
  /** RFC 4566 §6 `a=ptime`, in milliseconds. */
  ptime?: SdpValue<number>;
  rtcp?: SdpRtcp;
  /** RFC 5761 §5.1.1 `a=rtcp-mux`: RTCP on the RTP port. */
  rtcpMux: boolean;
  crypto: SdpCrypto[];
  attributes: SdpAttribute[];
}

export interface SdpSession {
  /** RFC 4566 §5.1 `v=`; absent when there was no readable `v=` line (see `problems`). */
  version?: number;
  origin?: SdpOrigin;
  sessionName?: SdpValue<string>;
  /** Session-level `c=`: the default for every media without its own (RFC 4566 §5.7). */
  connection?: SdpConnection;
  timing?: SdpTiming;
  /** Session-level direction attribute: the default for every media (RFC 3264 §5.1). */
  direction?: SdpValue<SdpDirection>;
  /** Session-level `a=` lines. */
  attributes: SdpAttribute[];
  media: SdpMedia[];
  problems: SdpProblem[];
  /** Every line as written, line terminator and trailing whitespace removed: `lines[n - 1]` is line n. */
  lines: string[];
}


/** The `c=` that applies to a media: its own, else the session's (RFC 4566 §5.7). */
export function effectiveConnection(session: SdpSession, media: SdpMedia): SdpConnection | undefined {
  return media.connection ?? session.connection;
}

/**
 * The direction that applies to a media: its own attribute, else the session's, else
 * `sendrecv` (RFC 3264 §5.1: "If none of the attributes ... is present, sendrecv SHOULD be
 * assumed as the default for sessions which are not of the conference type broadcast or H332").
 * `line` is absent for the default.
 */
export function effectiveDirection(session: SdpSession, media: SdpMedia): { value: SdpDirection; line?: number } {
  return media.direction ?? session.direction ?? { value: 'sendrecv' };
}
