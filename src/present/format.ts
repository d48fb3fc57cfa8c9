/** Small text helpers shared by the line and ladder presenters. */

/** Width of the time column: `9999.999`. */
export const TIME_WIDTH = 8;

/** Seconds since start, 3 decimals, right-aligned: `   0.500`. */
export function formatTime(ms: number): string {
  return (ms / 1000).toFixed(3).padStart(TIME_WIDTH);
}

/** A duration in seconds with no needless decimals: `0.5 s`, `2 s`, `32 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
