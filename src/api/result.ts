import type { MediaSummary, Outcome, SipEvent, Verdict } from '../events/types.js';
import { headerKey } from '../sip/header-names.js';
import { parseMessage } from '../sip/parse.js';

/** A header row of a response, in wire order. */
export interface ResultHeader {
  /** As written on the wire (`Contact`, or a compact form such as `m`). */
  name: string;
  /** Lower-case long form, for lookups (`m` → `contact`; RFC 3261 §7.3.3). */
  key: string;
  value: string;
}

/** A response as it arrived: status, reason, every header row, the body. */
export interface ResultResponse {
  status: number;
  reason: string;
  headers: ResultHeader[];
  /** The body as UTF-8 text ('' when there is none). */
  body: string;
}

/** A provisional (1xx) response: when it came, from the first transmission of the request. */
export interface ProvisionalSeen {
  status: number;
  reason: string;
  /** Milliseconds after the first transmission of the request. */
  atMs: number;
}

/**
 * How a request went: the same facts the CLI prints and its `result` event carries, as data.
 * Plain JSON-serialisable; it never holds a password or an HA1.
 */
export interface SipResult {
  /** The request: `OPTIONS`, `REGISTER`, `INVITE`, … */
  method: string;
  /** The Request-URI of the first request. */
  uri: string;
  /** How the run ended (docs/events.md): `success`, `failure-response`, `timeout`, `transport-error`, `expectation-failed`, `media-failure`, `interrupted`. */
  outcome: Outcome;
  /** `outcome === 'success'`. */
  ok: boolean;
  /** The exit code the CLI gives the same run (README, "Exit codes"). */
  exitCode: number;
  /** The final status that decided the run (for a call: the INVITE's). */
  status?: number;
  reason?: string;
  /**
   * True when `status` was made up by sipcall and never came from the wire: a timeout (Timer
   * B or F, RFC 3261 §17.1.1.2 / §17.1.2.2) shown as 408, a transport error shown as 503
   * (§8.1.3.1).
   */
  local: boolean;
  /** One line: what happened (as the CLI's result line). */
  summary: string;
  /** Milliseconds from the first transmission of the request on the wire. */
  timings: {
    /** …to the final response (absent without one from the wire). */
    finalMs?: number;
    /** …to the first provisional response. */
    firstProvisionalMs?: number;
    /** The whole run, from its start (resolution, socket) to its end (for a call: after the BYE). */
    totalMs: number;
  };
  /** The 1xx responses to the request, in order (re-sent copies of a final are not counted). */
  provisionals: ProvisionalSeen[];
  /** The final response from the wire to the request (the last one, after an authentication or redirect), with its headers and body. */
  final?: ResultResponse;
  /** Why the run did not end cleanly (docs/verdicts.md); absent when it did. */
  verdict?: Verdict;
  /** Every verdict that stands, the first in the chain first (empty when none). */
  verdicts: Verdict[];
  /** The ids of the exchange: Call-ID, our From tag and the peer's To tag when they are known. */
  ids: { callId?: string; fromTag?: string; toTag?: string };
  /** The dialog, when one was established (RFC 3261 §12). */
  dialog?: { callId: string; localTag: string; remoteTag: string; remoteTarget: string; routeSet: string[] };
  /** Retransmissions seen: requests we sent again (Timers A and E), and re-sent final responses from the peer. */
  retransmissions: { requests: number; responses: number; byMethod: Record<string, number> };
  /** The media figures of a call with media (docs/media.md). */
  media?: MediaSummary;
}

/** What a run's events tell, gathered as they flow (nothing is kept but what the result needs). */
export class ResultCollector {
  private firstSentAt: number | undefined;
  private uri: string;
  private callId: string | undefined;
  private lastInText = '';
  private finalText: string | undefined;
  private finalAt: number | undefined;
  private finalTags: { fromTag?: string; toTag?: string } = {};
  private readonly provisionals: Array<{ status: number; reason: string; t: number }> = [];
  private dialog: SipResult['dialog'];
  private requestRetransmissions = 0;
  private responseRetransmissions = 0;
  private readonly byMethod: Record<string, number> = {};

  /** `method`: the request whose responses count (INVITE for a call); `uri`: its Request-URI until one is sent. */
  constructor(
    private readonly method: string,
    uri: string,
  ) {
    this.uri = uri;
  }

  add(e: SipEvent): void {
    switch (e.type) {
      case 'request.sent':
        if (e.retransmission) {
          this.requestRetransmissions++;
          this.byMethod[e.method] = (this.byMethod[e.method] ?? 0) + 1;
        }
        if (e.method === this.method && this.firstSentAt === undefined) {
          this.firstSentAt = e.t;
          this.uri = e.uri;
          this.callId = e.callId;
        }
        return;
      case 'wire':
        if (e.direction === 'in') this.lastInText = e.text;
        return;
      case 'response.received':
        if (e.retransmission) {
          this.responseRetransmissions++;
          return;
        }
        if (e.method !== this.method) return;
        if (e.status < 200) {
          this.provisionals.push({ status: e.status, reason: e.reason, t: e.t });
          return;
        }
        // The wire event of a message comes just before its response.received (src/engine/session.ts).
        this.finalText = this.lastInText;
        this.finalAt = e.t;
        this.finalTags = { fromTag: e.fromTag, toTag: e.toTag };
        this.callId ??= e.callId;
        return;
      case 'dialog.established':
        this.dialog ??= { callId: e.callId, localTag: e.localTag, remoteTag: e.remoteTag, remoteTarget: e.remoteTarget, routeSet: [...e.routeSet] };
        return;
      default:
    }
  }

  /** The final response, parsed from the text it arrived as. */
  private final(): ResultResponse | undefined {
    if (this.finalText === undefined) return undefined;
    const parsed = parseMessage(Buffer.from(this.finalText, 'utf8'));
    if (!parsed.ok || parsed.message.kind !== 'response') return undefined;
    const m = parsed.message;
    return {
      status: m.status,
      reason: m.reason,
      headers: m.headers.fields.map((f) => ({ name: f.name, key: f.key, value: f.value })),
      body: Buffer.from(m.body).toString('utf8'),
    };
  }

  result(end: {
    outcome: Outcome;
    exitCode: number;
    status?: number;
    reason?: string;
    statusLocal?: boolean;
    summary: string;
    verdict?: Verdict;
    alsoVerdicts?: Verdict[];
    media?: MediaSummary;
    totalMs: number;
  }): SipResult {
    const from = this.firstSentAt;
    const since = (t: number | undefined) => (t === undefined || from === undefined ? undefined : Math.round((t - from) * 1000) / 1000);
    const final = this.final();
    const verdicts = [...(end.verdict ? [end.verdict] : []), ...(end.alsoVerdicts ?? [])];
    const timings: SipResult['timings'] = { totalMs: Math.round(end.totalMs * 1000) / 1000 };
    const finalMs = since(this.finalAt);
    if (finalMs !== undefined && final) timings.finalMs = finalMs;
    const firstProvisionalMs = since(this.provisionals[0]?.t);
    if (firstProvisionalMs !== undefined) timings.firstProvisionalMs = firstProvisionalMs;
    const ids: SipResult['ids'] = {};
    const callId = this.dialog?.callId ?? this.callId;
    if (callId !== undefined) ids.callId = callId;
    const fromTag = this.dialog?.localTag ?? this.finalTags.fromTag;
    if (fromTag) ids.fromTag = fromTag;
    const toTag = this.dialog?.remoteTag ?? this.finalTags.toTag;
    if (toTag) ids.toTag = toTag;
    return {
      method: this.method,
      uri: this.uri,
      outcome: end.outcome,
      ok: end.outcome === 'success',
      exitCode: end.exitCode,
      ...(end.status !== undefined ? { status: end.status } : {}),
      ...(end.reason !== undefined ? { reason: end.reason } : {}),
      local: end.statusLocal === true,
      summary: end.summary,
      timings,
      provisionals: this.provisionals.map((p) => ({ status: p.status, reason: p.reason, atMs: since(p.t) ?? 0 })),
      ...(final ? { final } : {}),
      ...(end.verdict ? { verdict: end.verdict } : {}),
      verdicts,
      ids,
      ...(this.dialog ? { dialog: this.dialog } : {}),
      retransmissions: { requests: this.requestRetransmissions, responses: this.responseRetransmissions, byMethod: { ...this.byMethod } },
      ...(end.media ? { media: end.media } : {}),
    };
  }
}

/**
 * Every value of a header in a response (e.g. `result.final`), row by row in order; the name is
 * matched case-insensitively and compact forms count as their long names (`m` = `Contact`,
 * RFC 3261 §7.3.3). Comma-separated rows are not split.
 */
export function headerValues(response: Pick<ResultResponse, 'headers'> | undefined, name: string): string[] {
  if (!response) return [];
  const key = headerKey(name);
  return response.headers.filter((h) => h.key === key).map((h) => h.value);
}
