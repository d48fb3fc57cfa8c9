/**
 * JSON lines: every event as one `JSON.stringify(event)` line on stdout, no colour, no spinner.
 * `wire` events only with -v; with -q only the `result` event. The `result` event is the last
 * line the engine emits, so it is the last line here.
 */
import type { SipEvent } from '../events/types.js';
import type { Presenter, PresenterOptions } from './options.js';

export class JsonPresenter implements Presenter {
  constructor(private readonly opts: Pick<PresenterOptions, 'stdout' | 'verbose' | 'quiet'>) {}

  onEvent(e: SipEvent): void {
    if (e.type === 'wire' && !this.opts.verbose) return;
    if (this.opts.quiet && e.type !== 'result') return;
    this.opts.stdout.write(`${JSON.stringify(e)}\n`);
  }

  finish(): void {}
}
