/**
 * Time linear in input size: each reader of the wire gets pathological inputs of 10 KB, 100 KB
 * and 1 MB (many header lines, 1,000s of Vias, one very long line, deep comma lists, long
 * parameter chains, folded lines, unclosed brackets and quotes, many SDP lines) and the time per
 * byte at 1 MB is compared with the time per byte at 10 KB. Linear code keeps it roughly flat
 * (measured: up to ×9, a step when the input's strings and arrays outgrow the young generation
 * and the caches, then a plateau up to 4 MB); a quadratic loop multiplies it by the size ratio,
 * ×100. Each figure is the fastest of several runs, after a warm-up.
 */
import { parseSdp } from '../../src/media/sdp.js';
import { parseContacts } from '../../src/sip/contact.js';
import { callId, cseqOf, fromTag, toTag, topVia } from '../../src/sip/fields.js';
import { inspectMessage } from '../../src/sip/inspect.js';
import { checkNameAddr } from '../../src/sip/name-addr.js';
import { parseParams } from '../../src/sip/params.js';
import { parseMessage } from '../../src/sip/parse.js';
import { splitHeaderList } from '../../src/sip/split-list.js';
import { parseUri } from '../../src/sip/uri.js';
import { parseVia } from '../../src/sip/via.js';
import { parseAuthHeaders } from '../../src/sip/auth-header.js';
import { StreamFramer } from '../../src/transport/stream-framer.js';

export const SIZES = [10_000, 100_000, 1_000_000] as const;

/** `piece` repeated until the result is at least `size` characters. */
function fill(piece: string, size: number): string {
  return piece.repeat(Math.ceil(size / piece.length));
}

const HEAD = 'OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKlin\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: lin@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n';

function message(headers: string, body = ''): Buffer {
  return Buffer.from(`${HEAD}${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 'latin1');
}

/** Reads a message the way the engine does: parse, then the fields every UAC/UAS reads. */
function readMessage(bytes: Buffer): void {
  for (const stream of [false, true]) {
    const r = parseMessage(bytes, { stream });
    if (!r.ok) continue;
    const m = r.message;
    callId(m);
    cseqOf(m);
    topVia(m);
    fromTag(m);
    toTag(m);
    m.headers.list('via');
    parseContacts(m.headers.list('contact'));
  }
}

export interface Shape {
  name: string;
  /** The input of about `size` bytes. */
  make(size: number): unknown;
  read(input: never): void;
}

export const SHAPES: readonly Shape[] = [
  { name: 'message: many header lines', make: (n) => message(fill('X-Header: value\r\n', n)), read: readMessage },
  { name: 'message: thousands of Via lines', make: (n) => message(fill('Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport\r\n', n)), read: readMessage },
  { name: 'message: one Via, deep commas', make: (n) => message(`Via: ${fill('SIP/2.0/UDP h;branch=z9hG4bKa,', n)}x\r\n`), read: readMessage },
  { name: 'message: Contact list, deep commas', make: (n) => message(`Contact: ${fill('<sip:a@b;lr>;q=0.5,', n)}<sip:z@y>\r\n`), read: readMessage },
  { name: 'message: one very long line', make: (n) => message(`Subject: ${'a'.repeat(n)}\r\n`), read: readMessage },
  { name: 'message: folded lines', make: (n) => message(`Subject: a\r\n${fill(' b\r\n', n)}`), read: readMessage },
  { name: 'message: unclosed < and quotes', make: (n) => message(`Contact: ${fill('<"\\', n)}\r\n`), read: readMessage },
  { name: 'message: long parameter chain in To', make: (n) => Buffer.from(`${HEAD.replace('To: <sip:b@example.com>', `To: <sip:b@example.com>${fill(';p', n)}`)}Content-Length: 0\r\n\r\n`, 'latin1'), read: readMessage },
  { name: 'message: body behind Content-Length', make: (n) => message('', 'x'.repeat(n)), read: readMessage },
  { name: 'message: no empty line, only CRLFs', make: (n) => Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${fill('\r\n\r', n)}`, 'latin1'), read: readMessage },
  { name: 'inspect: many header lines', make: (n) => message(fill('X-Header: value\r\n', n)), read: (b: Buffer) => void inspectMessage(b) },
  { name: 'URI: long user and parameters', make: (n) => `sip:${fill('u%41', n / 2)}@example.com${fill(';p=v', n / 2)}`, read: (s: string) => void parseUri(s) },
  { name: 'Via: long parameter chain', make: (n) => `SIP/2.0/UDP h${fill(';a=b', n)}`, read: (s: string) => void parseVia(s) },
  { name: 'list: deep commas', make: (n) => fill('a,', n), read: (s: string) => void splitHeaderList(s) },
  { name: 'list: quoted commas', make: (n) => `"${fill(',\\"', n)}"`, read: (s: string) => void splitHeaderList(s) },
  { name: 'name-addr: long quoted display name', make: (n) => `"${fill('a\\"', n)}" <sip:a@b>;tag=1`, read: (s: string) => void checkNameAddr(s) },
  { name: 'name-addr: long parameter chain', make: (n) => `<sip:a@b>${fill(';p=v', n)}`, read: (s: string) => void checkNameAddr(s) },
  { name: 'params: many ;', make: (n) => fill(';a', n), read: (s: string) => void parseParams(s) },
  { name: 'auth: many parameters', make: (n) => `Digest ${fill('a="b",', n)}c=d`, read: (s: string) => void parseAuthHeaders(s) },
  { name: 'SDP: many lines', make: (n) => `v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n${fill('m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n', n)}`, read: (s: string) => void parseSdp(s) },
  { name: 'SDP: one long m= line', make: (n) => `v=0\r\nm=audio 4000 RTP/AVP ${fill('0 ', n)}\r\n`, read: (s: string) => void parseSdp(s) },
  {
    name: 'TCP framer: headers in 100-byte chunks',
    make: (n) => message(fill('X-Header: value\r\n', n)),
    read: (b: Buffer) => {
      const f = new StreamFramer({ maxMessageSize: 4 * 1024 * 1024 });
      for (let i = 0; i < b.length; i += 100) f.push(b.subarray(i, i + 100));
    },
  },
];

export interface LinearReport {
  name: string;
  /** ns per input byte at each size. */
  nsPerByte: number[];
  /**
   * How much the cost per byte grew from 10 KB to 1 MB (1 = linear). Quadratic code gives
   * ~100 (×10 per step); memory effects (a string or an array leaving the young generation, the
   * CPU caches) give a one-off step of up to ~×9 between two sizes and a plateau after it.
   */
  growth: number;
}

/** The fastest of `runs` timings of `read(input)`, in ms. */
function fastest(read: (i: never) => void, input: unknown, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    read(input as never);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Measures one shape at every size. */
export function measure(shape: Shape, quick = false): LinearReport {
  const inputs = SIZES.map((n) => shape.make(n));
  fastest(shape.read, inputs[0], 20); // warm-up
  const ms = inputs.map((input, i) => fastest(shape.read, input, (quick ? [15, 4, 2] : [30, 8, 3])[i] as number));
  const nsPerByte = ms.map((t, i) => (t * 1e6) / (SIZES[i] as number));
  const growth = (nsPerByte[nsPerByte.length - 1] as number) / Math.max(nsPerByte[0] as number, 1e-3);
  return { name: shape.name, nsPerByte, growth };
}
