/**
 * JSON lines: every event as one `JSON.stringify(event)` line on stdout, no colour, no spinner.
 * `wire` events only with -v; with -q only the `result` event. The `result` event is the last
 * line the engine emits, so it is the last line here. A reader that falls more than 16 MiB
 * behind loses lines, counted in a `note` (code `output-dropped`) before the next line that
 * goes out (bounded-output.ts); the result is always written.
 */
import type { SipEvent } from '../events/types.js';
import { BoundedOutput, MAX_BUFFERED_OUTPUT } from './bounded-output.js';
import type { Presenter, PresenterOptions } from './options.js';
import { jsonVisible } from './visible.js';

export class JsonPresenter implements Presenter {
  private readonly out: BoundedOutput;
  private lastT = 0;

  constructor(private readonly opts: Pick<PresenterOptions, 'stdout' | 'verbose' | 'quiet'>, maxBuffered = MAX_BUFFERED_OUTPUT) {
    const limit = maxBuffered >= 1024 * 1024 ? `${maxBuffered / (1024 * 1024)} MiB` : `${maxBuffered} bytes`;
    this.out = new BoundedOutput(
      opts.stdout,
      (n) =>
        `${JSON.stringify({ type: 'note', t: this.lastT, level: 'warn', code: 'output-dropped', text: `${n} event line${n === 1 ? '' : 's'} dropped: stdout was not read fast enough (more than ${limit} waiting)` })}\n`,
      maxBuffered,
    );
  }

  onEvent(e: SipEvent): void {
    if (e.type === 'wire' && !this.opts.verbose) return;
    if (this.opts.quiet && e.type !== 'result') return;
    this.lastT = e.t;
    // Exact values; DEL, C1 and bidi controls \u-escaped as JSON allows (visible.ts).
    this.out.write(`${jsonVisible(JSON.stringify(e))}\n`, e.type === 'result');
  }

  finish(): void {}
}
