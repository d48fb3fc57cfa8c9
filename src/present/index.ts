/**
 * Presenters: readers of the event stream (docs/output.md). They depend only on the event types
 * and the status registry, and write only to the streams they are given.
 */
import { JsonPresenter } from './json.js';
import type { Presenter, PresenterOptions } from './options.js';
import { PrettyPresenter } from './pretty.js';

export type { ColorLevel, OutputMode, Presenter, PresenterOptions } from './options.js';
export { resolveColorLevel, type ColorFlags } from './color.js';

/** A JSON-lines presenter for `mode: 'json'`, else the pretty/plain one (lines or ladder). */
export function createPresenter(opts: PresenterOptions): Presenter {
  return opts.mode === 'json' ? new JsonPresenter(opts) : new PrettyPresenter(opts);
}
