/** What a timer heap orders by: when it is due, then the order it was armed in. */
export interface HeapTimer {
  readonly due: number;
  /** Arming order, to break ties: equal deadlines fire first-armed first. */
  readonly seq: number;
}

/**
 * A binary min-heap of timers on (due, seq): push, peek and pop in O(log n). Cancelled timers
 * are the owner's business (lazy deletion: skip them when they surface).
 */
export class TimerHeap<T extends HeapTimer> {
  private readonly h: T[] = [];

  get size(): number {
    return this.h.length;
  }

  peek(): T | undefined {
    return this.h[0];
  }

  push(timer: T): void {
    const h = this.h;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!, h[m]!)) m = l;
      if (r < h.length && less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
    return top;
  }
}

function less(a: HeapTimer, b: HeapTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
