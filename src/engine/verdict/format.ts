/** Small wording helpers shared by the verdict causes. */

/** `3 ms`, `1.503 s`: a time on the run's clock. */
export function at(t: number): string {
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(3)} s`;
}

/** `1 send`, `7 sends`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A list of times, shortened in the middle when long: `0 ms, 500 ms, …, 31.500 s`. */
export function times(ts: readonly number[], max = 8): string {
  const all = ts.map(at);
  if (all.length <= max) return all.join(', ');
  return [...all.slice(0, max - 2), '…', ...all.slice(-1)].join(', ');
}

/** `host` of `host:port` (IPv6 in brackets kept). */
export function hostOf(hostPort: string): string {
  const i = hostPort.lastIndexOf(':');
  if (hostPort.startsWith('[')) return hostPort.slice(0, hostPort.indexOf(']') + 1);
  return i < 0 ? hostPort : hostPort.slice(0, i);
}

/** `port` of `host:port`, or undefined. */
export function portOf(hostPort: string): number | undefined {
  const m = /:(\d+)$/.exec(hostPort);
  return m ? Number(m[1]) : undefined;
}
