/** What the CLI decides and hands to `createPresenter`; the presenters never read argv, env or TTY. */
import type { SipEvent } from '../events/types.js';

/** `json`: one event per line on stdout. `pretty`: human lines (plain when colour level is 0). */
export type OutputMode = 'pretty' | 'json';

export type ColorLevel = 0 | 1 | 2 | 3;

export interface PresenterOptions {
  mode: OutputMode;
  /** Decided by the CLI (see `resolveColorLevel`); given to chalk explicitly. */
  colorLevel: ColorLevel;
  /** -v: show `wire` events (full messages), timer starts/stops, state changes. */
  verbose: boolean;
  /** --timers: show every timer start/stop and transaction state change (implied by -v). */
  timers?: boolean;
  /** -q: the result line only. */
  quiet: boolean;
  /** --ladder: an ASCII call-flow ladder instead of the per-event lines (pretty mode). */
  ladder: boolean;
  /** True only when stderr is a TTY and mode is pretty (the CLI decides). */
  spinner: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The ladder's right column, e.g. `127.0.0.1:5060`. */
  peerLabel?: string;
}

/** A reader of the event stream. `finish()` flushes anything held back and stops the spinner. */
export interface Presenter {
  onEvent(e: SipEvent): void;
  finish(): void;
  /**
   * While a prompt has the terminal: hold the human output (spinner, lines) back; the returned
   * function lets it go. Pretty/plain only; the result releases it anyway.
   */
  holdOutput?(): () => void;
}
