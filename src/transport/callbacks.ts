/** A list of callbacks of one kind, called in the order they were added. */
export class Callbacks<A extends unknown[]> {
  private readonly list: Array<(...args: A) => void> = [];

  add(cb: (...args: A) => void): void {
    this.list.push(cb);
  }

  emit(...args: A): void {
    for (const cb of this.list) cb(...args);
  }
}
