import type { SipEvent } from '../events/types.js';

/**
 * The `events` async iterator of a run: the run's events in order, ending after its `result`
 * event. It holds events from the moment it is created (the first read of `run.events`), so a
 * reader that is slower than the run loses nothing; leaving the loop early (`break`) stops the
 * holding.
 */
export class EventStream implements AsyncIterableIterator<SipEvent> {
  private readonly queue: SipEvent[] = [];
  private waiter: ((r: IteratorResult<SipEvent>) => void) | undefined;
  private ended = false;

  /** A new event of the run. */
  push(e: SipEvent): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: e, done: false });
    } else this.queue.push(e);
  }

  /** The run is over: the reader gets what is queued, then the end. */
  end(): void {
    this.ended = true;
    if (this.waiter && this.queue.length === 0) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<SipEvent>> {
    const e = this.queue.shift();
    if (e !== undefined) return Promise.resolve({ value: e, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** `break` out of `for await`: stop holding events. */
  return(): Promise<IteratorResult<SipEvent>> {
    this.ended = true;
    this.queue.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<SipEvent> {
    return this;
  }
}
