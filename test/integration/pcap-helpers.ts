// Reading sipcall's pcap files back with tshark (docs/pcap.md), shared by the pcap tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { SipEvent } from '../../src/events/types.js';
import { ofType } from './uac-helpers.js';

export const exec = promisify(execFile);

/** Runs tshark over `file` with `args`; returns its lines split on tabs. */
export async function tsharkFields(file: string, args: string[]): Promise<string[][]> {
  const { stdout } = await exec('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'separator=/t', ...args], { maxBuffer: 64 << 20 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/**
 * The SIP messages tshark finds, in order: `in`/`out` from our port's point of view, and the
 * start line. `-d` makes TLS's plain text (written as TCP on the real port) SIP explicitly.
 */
export async function sipInPcap(file: string, ourPort: number, decodeAs: string[]): Promise<string[]> {
  const rows = await tsharkFields(file, [...decodeAs, '-Y', 'sip', '-e', 'udp.srcport', '-e', 'tcp.srcport', '-e', 'sip.Request-Line', '-e', 'sip.Status-Line']);
  return rows.map(([udp, tcp, req, status]) => `${Number(udp || tcp) === ourPort ? 'out' : 'in'} ${req || status}`);
}

/** The same from the event stream: every `wire` event. */
export function sipInEvents(events: SipEvent[]): string[] {
  return ofType(events, 'wire').map((w) => `${w.direction} ${w.text.split('\r\n')[0]}`);
}

/** One TCP segment as tshark reads it: ports, flags as it spells them (`·······AP···`), relative seq/ack, payload length, expert infos. */
export interface TcpSegment {
  src: number;
  dst: number;
  flags: string;
  seq: number;
  ack: number;
  len: number;
  expert: string;
}

/** Every TCP segment of `file`. */
export async function tcpSegments(file: string): Promise<TcpSegment[]> {
  const rows = await tsharkFields(file, ['-Y', 'tcp', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.flags.str', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len', '-e', '_ws.expert.message']);
  return rows.map(([src, dst, flags, seq, ack, len, expert]) => ({ src: Number(src), dst: Number(dst), flags: flags!, seq: Number(seq), ack: Number(ack), len: Number(len), expert: expert ?? '' }));
}

/** The next sequence number (relative) of the end on `port`, after `segments`: SYN and FIN count one (RFC 9293 §3.4). */
export function nextSeq(segments: TcpSegment[], port: number): number {
  let next = 0;
  for (const x of segments) if (x.src === port) next = Math.max(next, x.seq + x.len + (/[SF]/.test(x.flags) ? 1 : 0));
  return next;
}

/** Expert infos that say the synthesized sequence numbers are not consistent. */
const SEQUENCE_PROBLEM = /not captured|wasn't captured|unseen segment|retransmission|dup ack|out-of-order|malformed/i;

/**
 * What tshark says about the TCP in `file` (one run of `-z conv,tcp -z expert`): the
 * conversations (`a:port <-> b:port`) and every expert info that names a gap or a repeat in the
 * sequence numbers ("previous segment not captured", "ACKed unseen segment", retransmissions,
 * duplicate ACKs). `problems` is empty when the synthesized streams are consistent.
 */
export async function tcpSummary(file: string, decodeAs: string[] = []): Promise<{ conversations: string[]; problems: string[] }> {
  const { stdout } = await exec('tshark', ['-n', '-r', file, ...decodeAs, '-q', '-z', 'conv,tcp', '-z', 'expert'], { maxBuffer: 16 << 20 });
  const lines = stdout.split('\n');
  const conversations = lines
    .map((l) => /^(\S+:\d+)\s+<->\s+(\S+:\d+)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} <-> ${m[2]}`);
  return { conversations, problems: lines.filter((l) => SEQUENCE_PROBLEM.test(l)).map((l) => l.trim()) };
}
