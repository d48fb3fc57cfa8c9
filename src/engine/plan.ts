import type { AuthPlan } from './auth-plan.js';
import type { MediaPlan } from './media-plan.js';
import type { RoutePlan } from './next-hop.js';
import type { Target } from './target.js';
import type { TlsPlan, UacTransport } from './tls-plan.js';

/** How messages travel: which transport, from where, with which timers. */
export interface TransportPlan {
  /** Lower case as on the command line. */
  transport: UacTransport;
  /** True when the user chose the transport (flag or `;transport=`), so sipcall must not switch. */
  transportForced: boolean;
  /** `--local ADDR[:PORT]`. */
  local?: { address?: string; port?: number };
  /** RFC 3261 §17.1.1.1 / Table 4 timer bases, in ms. */
  t1: number;
  t2: number;
  t4: number;
  /**
   * `--keep-trying`: an ICMP unreachable on UDP does not end the transaction; Timers A/E go on
   * retransmitting until B/F, and the verdict counts the ICMP errors (docs/verdicts.md).
   */
  keepTrying?: boolean;
  /** TLS and WSS: CA, client certificate, `--insecure`, SNI (src/engine/tls-plan.ts). */
  tls?: TlsPlan;
  /** WS and WSS: the WebSocket URL (`--ws-url`, or `ws[s]://host:port/` from the target). */
  wsUrl?: string;
  /** `-4` / `-6`: the address family to resolve a host name to (A or AAAA); absent: either. */
  family?: 4 | 6;
  /** `--dns-server HOST[:PORT]`: the DNS server for RFC 3263 lookups (docs/dns.md); absent: the system's. */
  dnsServer?: string;
}

/** What every request carries that the user can set. */
export interface RequestOptions {
  /** `--from`: our address-of-record (a sip: URI), or undefined for `sip:sipcall@<local address>`. */
  from?: string;
  /**
   * `--header 'Name: value'`, checked for CR, LF and NUL; `replace`: it takes the place of the
   * header sipcall writes (src/engine/header-values.ts).
   */
  headers: Array<{ name: string; value: string; replace?: boolean }>;
  userAgent: string;
}

interface PlanBase {
  target: Target;
  /** Where to send: host/address and port (target, or --registrar for REGISTER). */
  destination: {
    host: string;
    port: number;
    /** The URI named the port; false: RFC 3263 (NAPTR, SRV) may choose it (docs/dns.md). Absent: true. */
    portExplicit?: boolean;
    /** The scheme of the URI the destination comes from (RFC 3263 §4.1: sips wants TLS). */
    scheme?: 'sip' | 'sips';
  };
  net: TransportPlan;
  request: RequestOptions;
  /** `--expect`: the final statuses (exact codes or classes like 4xx) the user wants. */
  expect?: string[];
  /** Digest credentials for 401/407 challenges (docs/auth.md); absent: none were given. */
  auth?: AuthPlan;
  /** `--proxy` / `--route`: a pre-existing route set (RFC 3261 §8.1.1.1, docs/routing.md). */
  route?: RoutePlan;
  /** `--no-follow` makes this false: a 3xx ends the run instead of being followed (RFC 3261 §8.1.3.4). */
  followRedirects?: boolean;
}

export interface InvitePlan extends PlanBase {
  kind: 'invite';
  sdp: boolean;
  /** Seconds to hold the call after the ACK; undefined = until the user hangs up (TTY). */
  durationS?: number;
  /** Seconds to wait for a final response after the first 1xx before CANCEL. */
  ringTimeoutS: number;
  /** RTP media (docs/media.md); absent with `--no-media` (signalling only). */
  media?: MediaPlan;
  /** `--hold-after S`: put the call on hold S s after the ACK (re-INVITE a=sendonly, RFC 3264 §8.4). */
  holdAfterS?: number;
  /** `--hold-for S`: resume S s after the hold (a=sendrecv); absent: held until the end. */
  holdForS?: number;
  /** `--accept-transfer`: follow a REFER from the peer (call the target, report by NOTIFY). */
  acceptTransfer?: boolean;
  /** `--transfer-to URI`: a blind transfer (REFER, RFC 3515) one second after the answer. */
  transferTo?: string;
  /** `--session-expires S`: ask for session timers (RFC 4028) with this interval; absent: `Supported: timer` only. */
  sessionExpiresS?: number;
  /** `--100rel`: reliable provisionals (RFC 3262); default `supported`. */
  rel100?: 'require' | 'supported' | 'off';
}

export interface OptionsPlan extends PlanBase {
  kind: 'options';
}

export interface RegisterPlan extends PlanBase {
  kind: 'register';
  expires: number;
  contact?: string;
  unregister: boolean;
  /** `--unregister-all`: Contact `*` with Expires 0 (RFC 3261 §10.2.2). */
  unregisterAll?: boolean;
  /** `--query`: no Contact, list the bindings (RFC 3261 §10.2.3). */
  query?: boolean;
  /** `--refresh`: re-REGISTER before expiry until Ctrl-C, then unregister (docs/register.md). */
  refresh?: boolean;
  /**
   * `--listen`: stay registered (as `--refresh`) and take the calls the binding brings on the
   * same flow (docs/register.md): ring `ringMs`, then answer `respond` (`--auto-answer`,
   * `--respond`); `media` for answered calls (absent: signalling only).
   */
  listen?: { ringMs: number; respond: number; media?: MediaPlan; keepAliveS?: number };
}

export interface ByePlan extends PlanBase {
  kind: 'bye';
  callId: string;
  fromTag: string;
  toTag: string;
  cseq: number;
}

export interface GenericRequestPlan extends PlanBase {
  kind: 'request';
  method: string;
  body?: Uint8Array;
  contentType?: string;
}

export type UacPlan = InvitePlan | OptionsPlan | RegisterPlan | ByePlan | GenericRequestPlan;

/** `sipcall answer`: a small auto-answering UAS. */
export interface AnswerPlan {
  kind: 'answer';
  transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
  /** TLS and WSS: our server certificate and key, PEM (`--cert`, `--key`). */
  certificate?: { cert: string; key: string };
  /** `--bye-after S`: we hang up (BYE, RFC 3261 §15.1.1) S seconds after the ACK of each call. */
  byeAfterS?: number;
  /** `--idle-timeout S` (stream transports): close a connection idle S s that we do not need (default 120). */
  idleTimeoutS?: number;
  address: string;
  port: number;
  /** Final status for INVITE (200 by default). */
  respond: number;
  /** Milliseconds between 180 and the final response. */
  ringMs: number;
  t1: number;
  t2: number;
  userAgent: string;
  /** Stop after this many seconds (undefined: until interrupted). */
  durationS?: number;
  /** RTP media for the calls it answers; absent: signalling only (`--no-media`). */
  media?: MediaPlan;
  /** `--load` (docs/answer-load.md): the fast path for load runs (UDP, signalling only). */
  load?: boolean;
}
