/**
 * An ASCII call-flow ladder in the style of RFC 3665: sipcall on the left, the peer on the
 * right, one arrow per message, time in the left margin, timers and notes in the right margin.
 *
 *                sipcall                     127.0.0.1:5060
 *                   |                              |
 *      0.000        |----------- INVITE ---------->|
 *      0.012        |<-------- 180 Ringing --------|
 *      0.500        |------- INVITE (retx #1) ---->|  Timer A fired, next in 1 s
 *
 * Lines stream as events arrive. The header is written before the first line.
 */
import { describeMediaDtmf, describeMediaStarted, describeMediaStopped } from './media.js';
import type { Category, SipEvent } from '../events/types.js';
import { describeLocalStatus, strayShort } from './describe.js';
import { describeDnsAnswer, describeTargetSelected, failoverShort } from './dns-describe.js';
import { TIME_WIDTH, formatSeconds, formatTime } from './format.js';
import { describeTls } from './tls.js';
import type { Group } from './group.js';
import type { Style } from './style.js';
import { TimerMemory, describeFired, describeStarted, describeStopped } from './timers.js';

/** Column of the left lifeline. */
const LEFT = TIME_WIDTH + 9;
/** Characters between the two lifelines. */
const INNER = 30;
/** Column of the right lifeline. */
const RIGHT = LEFT + INNER + 1;

export class LadderRenderer {
  private readonly timers = new TimerMemory();
  private headerDone = false;

  constructor(
    private readonly style: Style,
    private readonly verbose: boolean,
    private readonly peerLabel: string,
    /** --timers: every timer start/stop and state change in the margin. */
    private readonly showTimers = verbose,
  ) {}

  /** The two header lines: column names centred over their lifelines. */
  header(): string[] {
    const names = place(place('', LEFT - Math.floor('sipcall'.length / 2), 'sipcall'), RIGHT - Math.floor(this.peerLabel.length / 2), this.peerLabel);
    return [names, place(place('', LEFT, '|'), RIGHT, '|')];
  }

  /** Lines for one group, with the header first if not yet written. */
  render(g: Group): string[] {
    const lines = this.body(g);
    if (lines.length && !this.headerDone) {
      this.headerDone = true;
      return [...this.header(), ...lines];
    }
    return lines;
  }

  private body(g: Group): string[] {
    if (g.kind === 'event') return this.event(g.event);
    const n = this.timers.fire(g.fired);
    const next = g.restarted ? `, next in ${formatSeconds(g.restarted.ms)}` : '';
    const margin = `Timer ${g.fired.timer} fired${next}`;
    const out: string[] = [];
    if (!g.sent) out.push(this.marginLine(g.fired.t, `${describeFired(g.fired, { retransmit: n })}`));
    for (const e of g.members) out.push(...this.event(e, e === g.sent ? margin : undefined));
    return out;
  }

  private event(e: SipEvent, margin?: string): string[] {
    const s = this.style;
    switch (e.type) {
      case 'request.sent': {
        const tag = !e.retransmission ? '' : e.method === 'ACK' ? ' (re-sent)' : ` (retx #${e.attempt - 1})`;
        return [this.arrow(e.t, 'right', `${e.method}${tag}`, undefined, margin)];
      }
      case 'response.received': {
        const tag = e.retransmission ? ' (re-sent)' : '';
        return [this.arrow(e.t, 'left', `${e.status} ${e.reason}${tag}`, e.category, margin)];
      }
      case 'request.received':
        return [this.arrow(e.t, 'left', `${e.method}${e.retransmission ? ' (re-sent)' : ''}`, undefined, margin)];
      case 'response.sent':
        return [this.arrow(e.t, 'right', `${e.status} ${e.reason}${e.retransmission ? ' (re-sent)' : ''}`, e.category, margin)];
      case 'response.stray':
        return [this.arrow(e.t, 'left', `${e.status} ${e.reason} (stray)`, undefined, s.warn(`! ${strayShort(e)}`))];
      case 'message.invalid':
        return [this.marginLine(e.t, s.warn(`! unparseable message from ${e.from}`))];
      case 'timer.started':
        this.timers.started(e);
        return this.showTimers ? [this.marginLine(e.t, s.dim(describeStarted(e)))] : [];
      case 'timer.stopped':
        return this.showTimers ? [this.marginLine(e.t, s.dim(describeStopped(e)))] : [];
      case 'timer.fired':
        this.timers.fire(e);
        return [this.marginLine(e.t, describeFired(e, { ranMs: this.timers.lastDuration(e.branch, e.timer) }))];
      case 'transaction.state':
        return this.showTimers ? [this.marginLine(e.t, s.dim(`${e.method} ${e.from} → ${e.to}`))] : [];
      case 'transaction.terminated':
        if (e.local && e.status !== undefined) {
          return [this.marginLine(e.t, s.error(`✗ ${describeLocalStatus(e.status, e.outcome)}`))];
        }
        return [];
      case 'transport.error':
        return [this.marginLine(e.t, s.error(`✗ ${e.code}: ${e.message}`))];
      case 'dialog.established':
        return [this.marginLine(e.t, `dialog established (Call-ID ${e.callId})`)];
      case 'dialog.terminated':
        return [this.marginLine(e.t, `dialog ended: ${e.reason}`)];
      case 'note':
        return [this.marginLine(e.t, e.level === 'warn' ? s.warn(`! ${e.text}`) : e.text)];
      case 'dns.query':
        return [];
      case 'dns.answer':
        return this.verbose || e.error ? [this.marginLine(e.t, e.error ? s.warn(describeDnsAnswer(e)) : describeDnsAnswer(e))] : [];
      case 'target.selected':
        return [this.marginLine(e.t, describeTargetSelected(e))];
      case 'target.failover':
        return [this.marginLine(e.t, s.warn(`! ${failoverShort(e)}`))];
      case 'tls.established':
        return this.verbose ? [this.marginLine(e.t, describeTls(e)[0]!)] : [];
      case 'media.started':
        return [this.marginLine(e.t, describeMediaStarted(e))];
      case 'media.dtmf':
        return [this.marginLine(e.t, describeMediaDtmf(e))];
      case 'media.stopped':
        return [this.marginLine(e.t, describeMediaStopped(e)[0]!)];
      case 'media.stats':
      case 'wire':
      case 'waiting':
      case 'result':
        return [];
    }
  }

  /** `   0.000        |------ INVITE ----->|  margin` */
  private arrow(t: number, dir: 'left' | 'right', label: string, category: Category | undefined, margin?: string): string {
    const room = INNER - 4;
    const text = label.length > room ? `${label.slice(0, room - 1)}…` : label;
    const dashes = INNER - 1 - text.length - 2;
    const a = Math.floor(dashes / 2);
    const b = dashes - a;
    const shown = category ? this.style.category(category, text) : text;
    const shaft =
      dir === 'right'
        ? `${'-'.repeat(a)} ${shown} ${'-'.repeat(b)}>`
        : `<${'-'.repeat(b)} ${shown} ${'-'.repeat(a)}`;
    return this.withMargin(`${this.time(t)}${' '.repeat(LEFT - TIME_WIDTH)}|${shaft}|`, margin);
  }

  private marginLine(t: number, text: string): string {
    return this.withMargin(`${this.time(t)}${' '.repeat(LEFT - TIME_WIDTH)}|${' '.repeat(INNER)}|`, text);
  }

  private withMargin(line: string, margin?: string): string {
    return margin ? `${line}  ${margin}` : line;
  }

  private time(t: number): string {
    return this.style.dim(formatTime(t));
  }
}

/** Writes `text` into `line` starting at column `col`, padding with spaces. */
function place(line: string, col: number, text: string): string {
  const start = Math.max(col, line.length === 0 ? 0 : line.length + 1);
  return line.padEnd(start) + text;
}
