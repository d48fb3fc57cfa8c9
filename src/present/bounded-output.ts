/**
 * A writer that never lets the output queue grow without bound. Node buffers what a slow
 * reader has not taken yet (`sipcall answer --json | slow-consumer`); a long-running command
 * would grow without limit. Past `maxBuffered` bytes waiting, lines are dropped and counted,
 * never silently: once the reader catches up (or before the final line) one line says how
 * many were dropped. Lines marked `always` (the result) are written whatever is waiting.
 */
export const MAX_BUFFERED_OUTPUT = 16 * 1024 * 1024;

export class BoundedOutput {
  private dropped = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { writableLength?: number },
    /** The line that reports `n` dropped lines. */
    private readonly droppedLine: (n: number) => string,
    private readonly maxBuffered = MAX_BUFFERED_OUTPUT,
  ) {}

  /** Lines dropped so far and not yet reported. */
  get pendingDropped(): number {
    return this.dropped;
  }

  write(line: string, always = false): void {
    const waiting = this.out.writableLength ?? 0;
    if (!always && waiting > this.maxBuffered) {
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      const n = this.dropped;
      this.dropped = 0;
      this.out.write(this.droppedLine(n));
    }
    this.out.write(line);
  }
}
