import type { CliIo } from './io.js';

/**
 * Waits for the user to hang up on a TTY: `h`, `q`, Enter; Ctrl-C in raw mode arrives as the
 * byte 0x03 rather than SIGINT, so it is passed to `onCtrlC`. The engine's `waitForHangup`; when
 * the in-call keys (call-keys.ts) are given too, they take over and this is never started.
 */
export function hangupKeys(io: CliIo, onCtrlC: () => void): () => { promise: Promise<void>; cancel(): void } {
  return () => {
    const stdin = io.stdin;
    let cleanup = () => {};
    const promise = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer | string) => {
        const s = chunk.toString();
        if (s.includes('\u0003')) return onCtrlC();
        if (/[hHqQ\r\n]/.test(s)) {
          cleanup();
          resolve();
        }
      };
      stdin.setRawMode?.(true);
      stdin.on('data', onData);
      stdin.resume();
      cleanup = () => {
        stdin.off('data', onData);
        stdin.setRawMode?.(false);
        stdin.pause();
      };
    });
    return { promise, cancel: () => cleanup() };
  };
}
