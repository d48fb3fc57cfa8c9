/**
 * The per-event line layout (pretty and plain): time since start, a marker, then the event.
 *
 *    0.000  → INVITE sip:bob@127.0.0.1:5060  (UDP to 127.0.0.1:5060, 612 bytes)
 *    0.012  ← 180 Ringing  provisional — the callee is being alerted
 *
 * Markers: `→` sent, `←` received, `·` sipcall's own doings (timers, states, dialog, notes),
 * `!` a warning, `✗` an error or a status made up locally. What shows only with -v is listed
 * in docs/output.md.
 */
import type { SipEvent } from '../events/types.js';
import { describeStatus, isValidStatusCode } from '../sip/status.js';
import {
  describeInvalid,
  describeLocalStatus,
  describeStray,
  describeTransportError,
} from './describe.js';
import { describeDnsAnswer, describeDnsQuery, describeFailover, describeTargetSelected } from './dns-describe.js';
import { TIME_WIDTH, formatSeconds, formatTime } from './format.js';
import { describeTls } from './tls.js';
import { describeMediaDtmf, describeMediaStarted, describeMediaStats, describeMediaStopped } from './media.js';
import type { Group } from './group.js';
import type { Style } from './style.js';
import { TimerMemory, describeFired, describeStarted, describeStopped, retransmitTimerFor } from './timers.js';

/** Continuation lines (dialog fields, wire text) start under the event text. */
const INDENT = ' '.repeat(TIME_WIDTH + 4);

export class LineRenderer {
  private readonly timers = new TimerMemory();

  constructor(
    private readonly style: Style,
    private readonly verbose: boolean,
    /** --timers: every timer start/stop and state change, without full messages. */
    private readonly showTimers = verbose,
  ) {}

  /** The lines for one group (empty when nothing of it is shown at this verbosity). */
  render(g: Group): string[] {
    if (g.kind === 'event') return this.event(g.event);
    const n = this.timers.fire(g.fired);
    const text = describeFired(g.fired, {
      retransmit: g.sent ? g.sent.attempt - 1 : n,
      nextMs: g.restarted?.ms,
    });
    return [this.line(g.fired.t, '·', text), ...g.members.flatMap((e) => this.event(e))];
  }

  private line(t: number, marker: string, text: string): string {
    return `${this.style.dim(formatTime(t))}  ${marker} ${text}`;
  }

  private event(e: SipEvent): string[] {
    const s = this.style;
    switch (e.type) {
      case 'request.sent': {
        if (!e.retransmission) {
          return [this.line(e.t, '→', `${s.bold(`${e.method} ${e.uri}`)}  (${e.transport} to ${e.to}, ${e.bytes} bytes)`)];
        }
        const n = e.attempt - 1;
        const why = e.method === 'ACK' ? 'for a re-sent final response' : `Timer ${retransmitTimerFor(e.method)}`;
        return [this.line(e.t, '→', `${s.bold(e.method)}  ${e.method === 'ACK' ? 're-sent' : 'retransmit'} #${n} (${why})`)];
      }
      case 'response.received': {
        const status = s.category(e.category, `${e.status} ${e.reason}`);
        if (e.retransmission) {
          return [this.line(e.t, '←', `${status}  re-sent by the peer (a copy of the final already seen)`)];
        }
        const meaning = e.meaning || (isValidStatusCode(e.status) ? describeStatus(e.status).meaning : '');
        return [this.line(e.t, '←', `${status}  ${s.category(e.category, e.category)} — ${meaning}`)];
      }
      case 'request.received': {
        if (e.retransmission) return [this.line(e.t, '←', `${s.bold(e.method)}  re-sent by the peer`)];
        return [this.line(e.t, '←', `${s.bold(`${e.method} ${e.uri}`)}  (${e.transport} from ${e.from}, ${e.bytes} bytes)`)];
      }
      case 'response.sent': {
        const status = s.category(e.category, `${e.status} ${e.reason}`);
        if (e.retransmission) return [this.line(e.t, '→', `${status}  re-sent`)];
        return [this.line(e.t, '→', `${status}  (${e.transport} to ${e.to}, ${e.bytes} bytes)`)];
      }
      case 'response.stray':
        return [this.line(e.t, s.warn('!'), s.warn(describeStray(e)))];
      case 'message.invalid':
        return [this.line(e.t, s.warn('!'), s.warn(describeInvalid(e)))];
      case 'timer.started':
        this.timers.started(e);
        return this.showTimers ? [this.line(e.t, '·', s.dim(describeStarted(e)))] : [];
      case 'timer.stopped':
        return this.showTimers ? [this.line(e.t, '·', s.dim(describeStopped(e)))] : [];
      case 'timer.fired': {
        // Timers A and E arrive grouped (see group.ts); these are B, D, F, K, M.
        this.timers.fire(e);
        return [this.line(e.t, '·', describeFired(e, { ranMs: this.timers.lastDuration(e.branch, e.timer) }))];
      }
      case 'transaction.state':
        return this.showTimers ? [this.line(e.t, '·', s.dim(`${e.method} transaction ${e.from} → ${e.to}`))] : [];
      case 'transaction.terminated': {
        if (e.local && e.status !== undefined) {
          return [this.line(e.t, s.error('✗'), s.error(describeLocalStatus(e.status, e.outcome, e.method)))];
        }
        if (!this.verbose) return [];
        const what = e.status !== undefined ? `${e.outcome} ${e.status}` : e.outcome;
        return [this.line(e.t, '·', s.dim(`${e.method} transaction terminated: ${what}`))];
      }
      case 'transport.error':
        return [this.line(e.t, s.error('✗'), s.error(describeTransportError(e)))];
      case 'wire': {
        if (!this.verbose) return [];
        const head = e.direction === 'out' ? `sent to ${e.peer}` : `received from ${e.peer}`;
        const body = e.text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
        return [
          `${s.dim(formatTime(e.t))}  ${s.dim(`--- ${head} (${e.transport}) ---`)}`,
          ...body.map((l) => (l ? INDENT + l : '')),
        ];
      }
      case 'dialog.established': {
        const field = (k: string, v: string) => `${INDENT}${k.padEnd(15)}${v}`;
        const routes = e.routeSet.length ? e.routeSet : ['(empty)'];
        return [
          this.line(e.t, '·', `dialog established (RFC 3261 §12.1.2)`),
          field('Call-ID', e.callId),
          field('local tag', e.localTag),
          field('remote tag', e.remoteTag),
          field('CSeq', String(e.localCseq)),
          field('remote target', e.remoteTarget),
          ...routes.map((r, i) => field(i === 0 ? 'route set' : '', r)),
        ];
      }
      case 'dialog.terminated':
        return [this.line(e.t, '·', `dialog ended: ${e.reason}`)];
      case 'note':
        return e.level === 'warn' ? [this.line(e.t, s.warn('!'), s.warn(e.text))] : [this.line(e.t, '·', e.text)];
      case 'dns.query':
        return this.verbose ? [this.line(e.t, '·', s.dim(describeDnsQuery(e)))] : [];
      case 'dns.answer':
        return [this.line(e.t, '·', e.error ? s.warn(describeDnsAnswer(e)) : describeDnsAnswer(e))];
      case 'target.selected':
        return [this.line(e.t, '·', describeTargetSelected(e))];
      case 'target.failover':
        return [this.line(e.t, s.warn('!'), s.warn(describeFailover(e)))];
      case 'tls.established':
        return this.verbose ? describeTls(e).map((l, i) => (i === 0 ? this.line(e.t, '·', l) : `${INDENT}${s.dim(l)}`)) : [];
      case 'waiting': {
        if (!this.verbose) return [];
        const limit = e.timeoutMs !== undefined ? ` (up to ${formatSeconds(e.timeoutMs)})` : '';
        return [this.line(e.t, '·', s.dim(`waiting: ${e.what}${limit}`))];
      }
      case 'media.started':
        return [this.line(e.t, '♪', describeMediaStarted(e)), ...(this.verbose ? e.sdp.map((l) => `${INDENT}${s.dim(l)}`) : [])];
      case 'media.stats':
        return [this.line(e.t, '♪', describeMediaStats(e))];
      case 'media.dtmf':
        return [this.line(e.t, '♪', describeMediaDtmf(e))];
      case 'media.stopped':
        return describeMediaStopped(e).map((l, i) => (i === 0 ? this.line(e.t, '♪', l) : `${INDENT}${l.trimStart()}`));
      case 'result':
        return []; // the closing block is written by the presenter (result.ts)
    }
  }
}
