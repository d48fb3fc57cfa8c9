/**
 * The event stream: the one contract between the engine and every reader (pretty printer,
 * JSON lines, ladder, library users, tests). Every event is plain JSON-serialisable data with
 * `type` and `t` (milliseconds since the run started, from the injected clock).
 *
 * Versioned: a reader can check `EVENT_SCHEMA_VERSION`; fields are only ever added within a
 * version. See docs/events.md.
 */
export const EVENT_SCHEMA_VERSION = 1;

// RFC 3263 server location and failover (dns.ts): part of the union below.
import type { DnsAnswerEvent, DnsQueryEvent, TargetFailoverEvent, TargetSelectedEvent } from './dns.js';
import type { MediaDtmfEvent, MediaStartedEvent, MediaStatsEvent, MediaStoppedEvent, MediaSummary } from './media.js';
export type { MediaDtmfEvent, MediaStartedEvent, MediaStatsEvent, MediaStoppedEvent, MediaSummary } from './media.js';
export type { DnsAnswerEvent, DnsNode, DnsNodeRecord, DnsQueryEvent, DnsRecordData, FailoverReason, ResolvedTargetView, ResolveResult, TargetFailoverEvent, TargetSelectedEvent } from './dns.js';

/**
 * RFC 3261 §17.1 client transaction timers (A B D E F K) and §17.2 server transaction timers
 * (G H I J), plus Timers M (client) and L (server) of RFC 6026.
 */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'K' | 'M' | 'G' | 'H' | 'I' | 'J' | 'L';

/**
 * Transaction states: RFC 3261 Figures 5 to 8 (Confirmed is the INVITE server's), and
 * Accepted (RFC 6026 §7.2, client and server).
 */
export type TransactionStateName =
  | 'Calling'
  | 'Trying'
  | 'Proceeding'
  | 'Completed'
  | 'Confirmed'
  | 'Accepted'
  | 'Terminated';

export type TransportName = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** Response classes (RFC 3261 §21). */
export type Category =
  | 'provisional'
  | 'success'
  | 'redirection'
  | 'client-error'
  | 'server-error'
  | 'global-failure';

interface EventBase {
  /** Milliseconds since the run started. */
  t: number;
}

/** A request went onto the wire (first send or a retransmission, or an ACK). */
export interface RequestSentEvent extends EventBase {
  type: 'request.sent';
  method: string;
  uri: string;
  /** 1 for the first transmission, 2 for the first retransmission, … */
  attempt: number;
  retransmission: boolean;
  transport: TransportName;
  /** Destination `host:port` (IPv6 in brackets). */
  to: string;
  bytes: number;
  branch: string;
  callId: string;
  cseq: number;
}

/** A response arrived and matched a transaction (or a dialog, for re-sent 2xx). */
export interface ResponseReceivedEvent extends EventBase {
  type: 'response.received';
  status: number;
  reason: string;
  category: Category;
  /** One sentence in plain words, from the status registry. */
  meaning: string;
  branch: string;
  callId: string;
  /** `1 INVITE` */
  cseq: string;
  method: string;
  fromTag?: string;
  toTag?: string;
  /** Source `host:port` of the datagram or connection. */
  from: string;
  transport: TransportName;
  bytes: number;
  /** True when this is a re-sent copy of a final response already seen. */
  retransmission: boolean;
}

/** A response that matched no transaction (RFC 3261 §17.1.3); never dropped silently. */
export interface ResponseStrayEvent extends EventBase {
  type: 'response.stray';
  status: number;
  reason: string;
  from: string;
  /** Why it matched nothing (`extra-via`: more than one Via, discarded by RFC 3261 §8.1.3.3). */
  why: 'unknown-branch' | 'method-mismatch' | 'missing-via' | 'malformed-via' | 'missing-cseq' | 'extra-via';
  detail: string;
  branch?: string;
  callId?: string;
  cseq?: string;
}

/** A request arrived (sipcall acting as UAS: `answer`, or an in-dialog request such as BYE). */
export interface RequestReceivedEvent extends EventBase {
  type: 'request.received';
  method: string;
  uri: string;
  /** Source `host:port`. */
  from: string;
  transport: TransportName;
  callId: string;
  cseq: string;
  branch: string;
  bytes: number;
  /** True when this is a re-sent copy of a request already seen (same branch and method). */
  retransmission: boolean;
}

/** A response we sent (as UAS). */
export interface ResponseSentEvent extends EventBase {
  type: 'response.sent';
  status: number;
  reason: string;
  category: Category;
  method: string;
  /** Destination `host:port`. */
  to: string;
  transport: TransportName;
  callId: string;
  cseq: string;
  bytes: number;
  retransmission: boolean;
}

/** Bytes arrived that are not a SIP message we could parse. */
export interface MessageInvalidEvent extends EventBase {
  type: 'message.invalid';
  from: string;
  bytes: number;
  error: string;
  offset: number;
}

export interface TimerStartedEvent extends EventBase {
  type: 'timer.started';
  timer: TimerName;
  ms: number;
  branch: string;
  method: string;
}

export interface TimerFiredEvent extends EventBase {
  type: 'timer.fired';
  timer: TimerName;
  branch: string;
  method: string;
}

export interface TimerStoppedEvent extends EventBase {
  type: 'timer.stopped';
  timer: TimerName;
  branch: string;
  method: string;
  /** Why it was stopped before firing, e.g. `provisional response`, `final response`. */
  reason: string;
}

export interface TransactionStateEvent extends EventBase {
  type: 'transaction.state';
  branch: string;
  method: string;
  from: TransactionStateName | 'Initial';
  to: TransactionStateName;
}

export type TransactionOutcome = 'final' | 'timeout' | 'transport-error';

/** A client transaction reached Terminated. */
export interface TransactionTerminatedEvent extends EventBase {
  type: 'transaction.terminated';
  branch: string;
  method: string;
  outcome: TransactionOutcome;
  /** The final status: from the wire, or made up locally (408 timeout, 503 transport error). */
  status?: number;
  /** True when `status` was made up by sipcall (RFC 3261 §8.1.3.1), never from the peer. */
  local?: boolean;
}

/** The transport failed (ICMP unreachable, refused, reset, closed mid-message, TLS, DNS). */
export interface TransportErrorEvent extends EventBase {
  type: 'transport.error';
  transport: TransportName;
  /** e.g. ECONNREFUSED */
  code: string;
  message: string;
  to: string;
}

/** The full text of a message as sent or received (shown with -v). */
export interface WireEvent extends EventBase {
  type: 'wire';
  direction: 'out' | 'in';
  transport: TransportName;
  /** The peer address `host:port`. */
  peer: string;
  text: string;
}

export interface DialogEstablishedEvent extends EventBase {
  type: 'dialog.established';
  callId: string;
  localTag: string;
  remoteTag: string;
  localCseq: number;
  remoteTarget: string;
  routeSet: string[];
}

export interface DialogTerminatedEvent extends EventBase {
  type: 'dialog.terminated';
  callId: string;
  localTag: string;
  remoteTag: string;
  reason: string;
}

/** Something the user should know that is not a message or a timer (e.g. "ring timeout"). */
export interface NoteEvent extends EventBase {
  type: 'note';
  level: 'info' | 'warn';
  text: string;
  /** A stable identifier when the note is a known finding (e.g. `rport-ignored`, `oversize-udp`), read by the verdict analysis (docs/verdicts.md). */
  code?: string;
}

/** The server certificate a TLS handshake showed (`tls.established`). */
export interface TlsCertificateInfo {
  /** `CN=sip.example.com, O=Example` */
  subject: string;
  issuer: string;
  /** As OpenSSL prints dates, e.g. `Jan  1 00:00:00 2026 GMT`. */
  validFrom: string;
  validTo: string;
  /** `DNS:sip.example.com, IP Address:192.0.2.1` */
  subjectAltName?: string;
  fingerprint256: string;
}

/** A TLS handshake finished (TLS, or WSS under the WebSocket): what it negotiated, what it saw. */
export interface TlsEstablishedEvent extends EventBase {
  type: 'tls.established';
  transport: TransportName;
  /** The server `host:port`. */
  peer: string;
  /** `TLSv1.3` */
  protocol: string;
  /** e.g. `TLS_AES_256_GCM_SHA384` */
  cipher: string;
  /** The name sent in SNI and checked in the certificate (none for an IP target). */
  servername?: string;
  /** True when the certificate chain and name were verified (false only with --insecure). */
  verified: boolean;
  /** Why verification would have failed (with --insecure). */
  verifyError?: string;
  /** From the start of the TCP connect to the end of the TLS handshake, ms. */
  handshakeMs: number;
  certificate?: TlsCertificateInfo;
}

/** What sipcall is waiting for now (drives the spinner). */
export interface WaitingEvent extends EventBase {
  type: 'waiting';
  what: string;
  /** Milliseconds until the wait ends by itself, if known. */
  timeoutMs?: number;
}

export type Outcome =
  | 'success'
  | 'failure-response'
  | 'timeout'
  | 'transport-error'
  | 'usage-error'
  | 'expectation-failed'
  /** The call was answered, but its media failed (exit 6). */
  | 'media-failure'
  | 'interrupted'
  | 'internal-error';

/** Why a run did not end cleanly, with evidence and next steps (see docs/verdicts.md). */
export interface Verdict {
  id: string;
  /** For `tls-failed`: why, e.g. `unknown-ca`, `hostname-mismatch`, `expired`, `handshake-timeout`. */
  reason?: string;
  text: string;
  evidence: string[];
  next: string[];
}

/** The last event of every run. */
export interface ResultEvent extends EventBase {
  type: 'result';
  outcome: Outcome;
  status?: number;
  reason?: string;
  /** True when `status` was made up by sipcall. */
  statusLocal?: boolean;
  exitCode: number;
  durationMs: number;
  summary: string;
  verdict?: Verdict;
  /** Other causes that also stood (the verdict names the first in the chain). */
  alsoVerdicts?: Verdict[];
  /** The media figures of a call with media (per direction). */
  media?: MediaSummary;
  /** `answer --load`: the run's counters (docs/answer-load.md), the figures of `summary`. */
  answerLoad?: AnswerLoadResult;
  /** `answer` (without `--load`): what it served, the figures of `summary`. */
  answer?: AnswerResult;
}

/** What `answer` served, in the `result` event: the same figures as its summary, for scripts. */
export interface AnswerResult {
  /** From the first note (answering on …) to the stop. */
  elapsedMs: number;
  /** Calls answered with a 2xx, and how many of them had media. */
  calls: number;
  callsWithMedia: number;
  /** Requests received, by method, first copies only (a re-sent request is not counted again). */
  requests: Record<string, number>;
  /**
   * Bad messages: `unparseable` (did not parse, `message.invalid`), `unframeable` (a stream that
   * could not be split into messages, RFC 3261 §18.3), `stray` (responses that matched no
   * transaction of ours).
   */
  bad: { unparseable: number; unframeable: number; stray: number };
}

/**
 * What `answer --load` counted, in the `result` event: the same figures as its summary line,
 * for scripts (docs/answer-load.md).
 */
export interface AnswerLoadResult {
  /** From the first note (answering on …) to the stop. */
  elapsedMs: number;
  /** The most calls answered in one second of the run. */
  peakPerSecond: number;
  /** Calls answered (2xx sent, first copies). */
  answered: number;
  /** Non-2xx finals to INVITEs (--respond, 487 after CANCEL, 488 for an unusable offer). */
  rejected: number;
  /** First copies of each request (ACK: of our 2xx, re-INVITEs' included). */
  requests: { INVITE: number; ACK: number; BYE: number; CANCEL: number };
  /** In dialogs of the load path: re-INVITEs, and other requests (UPDATE, INFO, OPTIONS, …). */
  inDialog: { reINVITE: number; other: number };
  /** Merged requests answered 482 (RFC 3261 §8.2.2.2); counted in `rejected` too when INVITEs. */
  merged: number;
  /** Re-sent requests recognised by their transaction. */
  absorbed: number;
  /** Responses sent again (2xx retransmission §13.3.1.4, Timer G, answers to re-sent requests). */
  resent: number;
  /** Finals never ACKed within 64·T1 (Timer H, or the 2xx give-up of §13.3.1.4). */
  noAck: number;
  /** Messages the load path left to the full parser and server transactions. */
  fullPath: number;
  /** Calls whose state was still kept when the run stopped. */
  liveAtStop: number;
  /** SO_RCVBUF / SO_SNDBUF as the kernel granted them (bytes); absent when unknown. */
  socketBuffers?: { receive: number; send: number };
}

export type SipEvent =
  | RequestSentEvent
  | ResponseReceivedEvent
  | ResponseStrayEvent
  | MessageInvalidEvent
  | RequestReceivedEvent
  | ResponseSentEvent
  | TimerStartedEvent
  | TimerFiredEvent
  | TimerStoppedEvent
  | TransactionStateEvent
  | TransactionTerminatedEvent
  | TransportErrorEvent
  | WireEvent
  | DialogEstablishedEvent
  | DialogTerminatedEvent
  | NoteEvent
  | TlsEstablishedEvent
  | WaitingEvent
  | DnsQueryEvent
  | DnsAnswerEvent
  | TargetSelectedEvent
  | TargetFailoverEvent
  | MediaStartedEvent
  | MediaStatsEvent
  | MediaDtmfEvent
  | MediaStoppedEvent
  | ResultEvent;

export type SipEventType = SipEvent['type'];

/** Events as the emitter sees them: `t` is stamped by the sink from the clock. */
export type EventInput = SipEvent extends infer E ? (E extends SipEvent ? Omit<E, 't'> : never) : never;

/** Where events go. */
export type EventSink = (event: SipEvent) => void;
