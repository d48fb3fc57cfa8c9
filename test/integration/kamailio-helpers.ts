// Helpers for the kamailio-* integration tests: run the CLI in process (run(argv, fakeIo)
// with --json and an environment of our choosing) and read its event stream.
import { run } from '../../src/cli/main.js';
import type { SipEvent } from '../../src/events/types.js';
import { fakeIo, type FakeIo } from '../support/fake-io.js';

export type EventOf<T extends SipEvent['type']> = Extract<SipEvent, { type: T }>;

export interface KamCliRun {
  io: FakeIo;
  done: Promise<number>;
  events(): SipEvent[];
  /** Polls stdout until `pred` holds for the events so far; rejects after `timeoutMs`. */
  until(pred: (events: SipEvent[]) => boolean, timeoutMs?: number): Promise<void>;
}

export function parseLines(text: string): SipEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SipEvent);
}

/** `sipcall <argv> --json` in process, with `env` as its environment. */
export function startJson(argv: string[], env: Record<string, string> = {}): KamCliRun {
  const io = fakeIo(env);
  const done = run([...argv, '--json'], io);
  const events = () => parseLines(io.out.text);
  return {
    io,
    done,
    events,
    async until(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(events())) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; got:\n${io.out.text}\n${io.err.text}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

export async function runJson(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; events: SipEvent[]; io: FakeIo }> {
  const r = startJson(argv, env);
  const code = await r.done;
  return { code, events: r.events(), io: r.io };
}

export function ofType<T extends SipEvent['type']>(events: SipEvent[], type: T): Array<EventOf<T>> {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** First transmissions of `method` (no retransmissions). */
export function sent(events: SipEvent[], method: string): Array<EventOf<'request.sent'>> {
  return ofType(events, 'request.sent').filter((e) => e.method === method && !e.retransmission);
}

/** Final responses to `method`, as status numbers, in order (re-sent copies left out). */
export function finals(events: SipEvent[], method: string): number[] {
  return ofType(events, 'response.received')
    .filter((e) => e.method === method && e.status >= 200 && !e.retransmission)
    .map((e) => e.status);
}

export function notes(events: SipEvent[]): string[] {
  return ofType(events, 'note').map((n) => n.text);
}

export function resultOf(events: SipEvent[]): EventOf<'result'> {
  const r = events.at(-1);
  if (r?.type !== 'result') throw new Error(`the last event is not the result: ${JSON.stringify(r)}`);
  return r;
}

/** The value of a header in a `wire` text (first match, case-insensitive). */
export function headerIn(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text.replace(/\r\n/g, '\n'));
  return m?.[1]?.trim();
}
