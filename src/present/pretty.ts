/**
 * Pretty and plain output (plain = colour level 0 and no spinner; same layout): per-event lines,
 * or the ladder with --ladder, then the result block. Quiet: the result block only.
 */
import type { SipEvent } from '../events/types.js';
import { RetransmitGrouper, type Group } from './group.js';
import { LadderRenderer } from './ladder.js';
import { LineRenderer } from './lines.js';
import type { Presenter, PresenterOptions } from './options.js';
import { resultBlock } from './result.js';
import { SpinnerController, oraLoader, type SpinnerLoader } from './spinner.js';
import { createStyle, type Style } from './style.js';
import { visibleDeep } from './visible.js';

/** The one multi-line string of an event: a whole message as sent or received (-v). */
const WIRE_TEXT: ReadonlySet<string> = new Set(['text']);

export class PrettyPresenter implements Presenter {
  private readonly style: Style;
  private readonly grouper = new RetransmitGrouper();
  private readonly renderer: { render(g: Group): string[] };
  /** Null when there is no spinner (not a TTY, quiet, or plain). */
  readonly spinner: SpinnerController | null;
  private wrote = false;
  /** Lines held back while a prompt has the terminal (`holdOutput`); each hold, with its spinner release. */
  private heldLines: string[][] = [];
  private readonly holds = new Set<() => void>();

  /** `loader` replaces ora (tests); it is used only when `opts.spinner` is true. */
  constructor(
    private readonly opts: PresenterOptions,
    loader?: SpinnerLoader,
  ) {
    this.style = createStyle(opts.colorLevel);
    this.renderer = opts.ladder
      ? new LadderRenderer(this.style, opts.verbose, opts.peerLabel ?? 'peer', opts.verbose || opts.timers === true)
      : new LineRenderer(this.style, opts.verbose, opts.verbose || opts.timers === true);
    this.spinner =
      opts.spinner && !opts.quiet ? new SpinnerController(loader ?? oraLoader(opts.stderr)) : null;
  }

  onEvent(event: SipEvent): void {
    // Everything shown may hold bytes a peer chose: controls are made visible (visible.ts).
    const e = visibleDeep(event, event.type === 'wire' ? WIRE_TEXT : undefined);
    this.spinner?.track(e);
    if (!this.opts.quiet) {
      for (const g of this.grouper.push(e)) this.write(this.renderer.render(g));
    }
    if (e.type === 'waiting') this.spinner?.waiting(e);
    if (e.type === 'result') {
      this.spinner?.end();
      this.releaseAll();
      const block = resultBlock(e, this.style, this.opts.quiet);
      this.write(this.wrote ? ['', ...block] : block);
    }
  }

  finish(): void {
    this.releaseAll();
    for (const g of this.grouper.flush()) this.write(this.renderer.render(g));
    this.spinner?.end();
  }

  /**
   * While a prompt has the terminal (the transfer target during a call): no spinner, and the
   * lines wait; the returned function writes them and starts the spinner again. The result,
   * or the end of the run, releases every hold.
   */
  holdOutput(): () => void {
    const spinner = this.spinner?.hold() ?? (() => {});
    const hold = () => {
      if (!this.holds.delete(hold)) return;
      spinner();
      if (this.holds.size === 0) this.flushHeld();
    };
    this.holds.add(hold);
    return hold;
  }

  private releaseAll(): void {
    for (const hold of [...this.holds]) hold();
  }

  private flushHeld(): void {
    for (const lines of this.heldLines.splice(0)) this.write(lines);
  }

  private write(lines: string[]): void {
    if (!lines.length) return;
    if (this.holds.size > 0) {
      this.heldLines.push(lines);
      return;
    }
    this.spinner?.pause();
    this.opts.stdout.write(`${lines.join('\n')}\n`);
    this.wrote = true;
    this.spinner?.resume();
  }
}
