/**
 * The ora spinner on stderr, driven by `waiting` events. ora is loaded lazily (start-up speed):
 * until it has loaded, waits are only remembered; the spinner starts once it is there, unless the
 * run has finished. The spinner is stopped before any line goes to stdout and restarted after.
 * While a call is up, a wait that came during the call is shown after the call's status line
 * (call-status.ts).
 */
import type { SipEvent, WaitingEvent } from '../events/types.js';
import { CallStatus } from './call-status.js';

/** The part of an ora spinner used here. */
export interface SpinnerLike {
  text: string;
  readonly isSpinning: boolean;
  start(text?: string): unknown;
  stop(): unknown;
}

export type SpinnerLoader = () => Promise<SpinnerLike>;

/** Loads ora and makes a spinner on `stream` that leaves stdin alone (Ctrl-C stays SIGINT). */
export function oraLoader(stream: NodeJS.WritableStream): SpinnerLoader {
  return async () => {
    const { default: ora } = await import('ora');
    return ora({ stream, discardStdin: false, isEnabled: true });
  };
}

interface Wait {
  what: string;
  /** Wall-clock deadline (Date.now based), when the wait has a limit. */
  deadline?: number;
  /** The wait came while a call was up: the call's status line goes first. */
  inCall: boolean;
}

export class SpinnerController {
  private spinner: SpinnerLike | null = null;
  private wait: Wait | null = null;
  private ended = false;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** Holds (a prompt has the terminal): no spinner until the last is released. */
  private holds = 0;
  private readonly status: CallStatus;
  /** Resolves when the loader has settled (for tests). */
  readonly ready: Promise<void>;

  constructor(
    load: SpinnerLoader,
    private readonly now: () => number = Date.now,
  ) {
    this.status = new CallStatus(now);
    this.ready = load().then(
      (s) => {
        this.spinner = s;
        this.show();
      },
      () => {
        // No spinner is no harm: the lines still say everything.
      },
    );
  }

  /** A new `waiting` event replaces the current wait. */
  waiting(e: WaitingEvent): void {
    if (this.ended) return;
    this.wait = { what: e.what, deadline: e.timeoutMs !== undefined ? this.now() + e.timeoutMs : undefined, inCall: this.status.up };
    this.show();
  }

  /** Any event: what the call's status line reads (call-status.ts). */
  track(e: SipEvent): void {
    if (this.status.onEvent(e) && this.spinner?.isSpinning) this.spinner.text = this.text();
  }

  /** Stops the spinner until the returned function is called (a prompt has the terminal). */
  hold(): () => void {
    this.holds++;
    this.pause();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.show();
    };
  }

  /** Call before writing to stdout. */
  pause(): void {
    if (this.spinner?.isSpinning) this.spinner.stop();
  }

  /** Call after writing to stdout. */
  resume(): void {
    this.show();
  }

  /** Stops for good (the result arrived, or the run finished). */
  end(): void {
    this.ended = true;
    this.wait = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.pause();
  }

  /**
   * The spinner text: `final response — 31 s left`; during a call, its status first:
   * `call 0:12  PCMU  out 600  in 598  loss 0.0 %  jitter 1.2 ms · call in progress; …`.
   */
  text(): string {
    if (!this.wait) return '';
    const status = this.wait.inCall ? this.status.text() : undefined;
    const what = status ? `${status} · ${this.wait.what}` : this.wait.what;
    if (this.wait.deadline === undefined) return what;
    const left = Math.max(0, Math.ceil((this.wait.deadline - this.now()) / 1000));
    return `${what} — ${left} s left`;
  }

  private show(): void {
    if (this.ended || !this.wait || !this.spinner || this.holds > 0) return;
    this.spinner.text = this.text();
    if (!this.spinner.isSpinning) this.spinner.start();
    if (!this.ticker) {
      this.ticker = setInterval(() => {
        if (this.spinner?.isSpinning) this.spinner.text = this.text();
      }, 250);
      this.ticker.unref?.();
    }
  }
}
