/**
 * The live status line of a call that is up (docs/output.md, "Spinner"): call time, codec,
 * packets out and in so far, loss (the last second) and jitter, and `on hold` while we hold it.
 * Read from the event stream: `dialog.established` starts the clock, `media.started` names the
 * codec, each `media.stats` (once a second) brings the figures, the notes `on-hold` / `resumed`
 * the hold state; `dialog.terminated` ends it. The call time runs on the spinner's own clock,
 * so it keeps ticking without media (`--no-media`).
 */
import type { MediaStatsEvent, SipEvent } from '../events/types.js';

export class CallStatus {
  private call?: { callId: string; since: number };
  private codec?: string;
  private stats?: MediaStatsEvent;
  private held = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** True while a dialog is established. */
  get up(): boolean {
    return this.call !== undefined;
  }

  /** Reads one event; true when the status may read differently now. */
  onEvent(e: SipEvent): boolean {
    switch (e.type) {
      case 'dialog.established':
        this.call = { callId: e.callId, since: this.now() };
        this.held = false;
        return true;
      case 'dialog.terminated':
        if (this.call?.callId !== e.callId) return false;
        this.call = undefined;
        this.codec = undefined;
        this.stats = undefined;
        this.held = false;
        return true;
      case 'media.started':
        this.codec = e.codec;
        this.stats = undefined;
        return true;
      case 'media.stats':
        this.stats = e;
        return true;
      case 'media.stopped':
        this.codec = undefined;
        this.stats = undefined;
        return true;
      case 'note':
        if (e.code === 'on-hold') this.held = true;
        else if (e.code === 'resumed') this.held = false;
        else return false;
        return true;
      default:
        return false;
    }
  }

  /** `call 0:12  PCMU  out 600  in 598  loss 0.0 %  jitter 1.2 ms  on hold`; undefined when no call is up. */
  text(): string | undefined {
    if (!this.call) return undefined;
    const parts = [`call ${clockTime(this.now() - this.call.since)}`];
    if (this.codec) parts.push(this.codec);
    const s = this.stats;
    if (s) parts.push(`out ${s.sent.total}`, `in ${s.received.total}`, `loss ${s.received.lossPct.toFixed(1)} %`, `jitter ${s.received.jitterMs.toFixed(1)} ms`);
    if (this.held) parts.push('on hold');
    return parts.join('  ');
  }
}

/** `0:07`, `12:30`, `1:02:03`. */
export function clockTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
