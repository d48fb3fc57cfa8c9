// Helpers for the uac-*/cli-* integration tests: run the CLI in process with --json and read
// its event stream; read SIPp's -trace_msg log as a list of messages; a closed UDP port.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { expect } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { SipEvent } from '../../src/events/types.js';
import { fakeIo, type FakeIo } from '../support/fake-io.js';

export type EventOf<T extends SipEvent['type']> = Extract<SipEvent, { type: T }>;

/** A CLI run in progress (in process, fake streams, --json). */
export interface CliRun {
  io: FakeIo;
  /** Resolves with the exit code. */
  done: Promise<number>;
  /** The JSON lines printed so far, parsed. */
  events(): SipEvent[];
  /** Resolves with the first event matching `pred` (polls stdout); rejects after `timeoutMs`. */
  waitFor(pred: (e: SipEvent) => boolean, timeoutMs?: number): Promise<SipEvent>;
}

export function parseJsonLines(text: string): SipEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SipEvent);
}

/** Starts `sipcall <argv> --json` in process. */
export function startCli(argv: string[], stdinText?: string): CliRun {
  const io = fakeIo({}, stdinText);
  const done = run([...argv, '--json'], io);
  const events = () => parseJsonLines(io.out.text);
  return {
    io,
    done,
    events,
    async waitFor(pred, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events().find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got:\n${io.out.text}\n${io.err.text}`);
        await sleep(5);
      }
    },
  };
}

/** Runs `sipcall <argv> --json` in process to the end. */
export async function runCli(argv: string[], stdinText?: string): Promise<{ code: number; events: SipEvent[]; stderr: string; io: FakeIo }> {
  const r = startCli(argv, stdinText);
  const code = await r.done;
  return { code, events: r.events(), stderr: r.io.err.text, io: r.io };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function ofType<T extends SipEvent['type']>(events: SipEvent[], type: T): Array<EventOf<T>> {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

/** The one `result` event, which must be the last line. */
export function resultOf(events: SipEvent[]): EventOf<'result'> {
  const results = ofType(events, 'result');
  expect(results).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('result');
  return results[0]!;
}

/**
 * The messages on the wire as sipcall saw them, in order: requests sent by method
 * (`INVITE`, `ACK`), responses received by status (`100`); re-sent copies included.
 */
export function wireSequence(events: SipEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'request.sent') out.push(e.method);
    else if (e.type === 'response.received') out.push(String(e.status));
  }
  return out;
}

/** Same, from the UAS side (`sipcall answer`): requests received, responses sent. */
export function uasSequence(events: SipEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'request.received') out.push(e.method);
    else if (e.type === 'response.sent') out.push(`${e.status} ${e.method}`);
  }
  return out;
}

/** One message from SIPp's -trace_msg log. */
export interface LoggedMessage {
  /** Wall-clock time SIPp logged it, in ms (microsecond resolution). */
  at: number;
  direction: 'received' | 'sent';
  transport: string;
  /** The message text as logged (start line, headers, body). */
  text: string;
  startLine: string;
  /** Request method, or undefined for a response. */
  method?: string;
  /** Response status, or undefined for a request. */
  status?: number;
  /** Request-URI of a request. */
  uri?: string;
  /** Every value of a header (full name, case-insensitive), in order. */
  headers(name: string): string[];
  header(name: string): string | undefined;
  body: string;
}

const ENTRY = /^-{20,} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\.(\d{6})\n(\w+) message (received|sent) (?:\[\d+\] bytes :|\(\d+ bytes\):)\n\n/gm;

/** Splits SIPp's -trace_msg log into messages. */
export function parseSippLog(log: string): LoggedMessage[] {
  const starts = [...log.matchAll(ENTRY)];
  return starts.map((m, i) => {
    const from = (m.index ?? 0) + m[0].length;
    const to = i + 1 < starts.length ? (starts[i + 1]!.index ?? log.length) : log.length;
    const raw = log.slice(from, to).replace(/\r\n/g, '\n');
    const split = raw.indexOf('\n\n');
    const head = split >= 0 ? raw.slice(0, split) : raw;
    const body = split >= 0 ? raw.slice(split + 2).replace(/\n+$/, '') : '';
    const lines = head.split('\n');
    const startLine = lines[0] ?? '';
    const at = Date.parse(`${m[1]}T${m[2]}`) + Number(m[3]) / 1000;
    const statusMatch = /^SIP\/2\.0 (\d{3}) /.exec(startLine);
    const reqMatch = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(startLine);
    const headers = (name: string) =>
      lines
        .slice(1)
        .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        .map((l) => l.slice(name.length + 1).trim());
    return {
      at,
      direction: m[5] as 'received' | 'sent',
      transport: m[4] ?? '',
      text: raw,
      startLine,
      method: reqMatch?.[1],
      uri: reqMatch?.[2],
      status: statusMatch ? Number(statusMatch[1]) : undefined,
      headers,
      header: (name: string) => headers(name)[0],
      body,
    };
  });
}

/** The messages of the log as `INVITE` / `100 INVITE` labels, with their direction as seen by SIPp. */
export function sippSequence(msgs: LoggedMessage[]): string[] {
  return msgs.map((m) => `${m.direction === 'received' ? '→' : '←'} ${m.method ?? `${m.status} ${(m.header('CSeq') ?? '').split(/\s+/)[1] ?? ''}`}`);
}

/** A parameter of a header value (`tag`, `branch`), outside the <URI>. */
export function paramOf(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const after = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value;
  const m = new RegExp(`;\\s*${name}=([^;\\s,]+)`, 'i').exec(after);
  return m?.[1];
}

/** A UDP port on 127.0.0.1 that was just bound and closed: nothing listens there. */
export async function closedUdpPort(): Promise<number> {
  const sock = dgram.createSocket('udp4');
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  const { port } = sock.address();
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}
