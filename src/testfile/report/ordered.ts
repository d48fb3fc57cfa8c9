import type { SipEvent } from '../../events/types.js';
import type { PlannedTest, TestResult } from '../runner.js';
import type { Reporter } from './types.js';

/**
 * With `--jobs N` tests finish in any order; reporters see them in file order. The first test
 * not yet reported streams its events as they come; the others are held until it is done.
 */
export class OrderedReporter {
  private head = 0;
  private readonly held = new Map<number, { events: SipEvent[]; result?: TestResult }>();
  private readonly index = new Map<string, number>();

  constructor(
    private readonly planned: PlannedTest[],
    private readonly reporters: Reporter[],
  ) {
    planned.forEach((p, i) => this.index.set(p.id, i));
  }

  event(t: PlannedTest, e: SipEvent): void {
    const i = this.index.get(t.id)!;
    if (i === this.head) for (const r of this.reporters) r.event?.(t, e);
    else this.slot(i).events.push(e);
  }

  result(res: TestResult): void {
    const i = this.index.get(res.id)!;
    this.slot(i).result = res;
    while (this.head < this.planned.length) {
      const s = this.held.get(this.head);
      if (!s?.result) break;
      for (const r of this.reporters) r.result(s.result);
      this.held.delete(this.head);
      this.head++;
      // The next test: what it has so far, then it streams.
      const next = this.held.get(this.head);
      if (next && this.head < this.planned.length) {
        for (const e of next.events) for (const r of this.reporters) r.event?.(this.planned[this.head]!, e);
        next.events = [];
      }
    }
  }

  private slot(i: number) {
    let s = this.held.get(i);
    if (!s) this.held.set(i, (s = { events: [] }));
    return s;
  }
}
