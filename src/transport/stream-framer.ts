/**
 * Splits a byte stream (TCP, TLS) into SIP messages by Content-Length. Pure: no I/O, no timers.
 *
 * RFC 3261 §18.3: "In the case of stream-oriented transports such as TCP, the Content-Length
 * header field indicates the size of the body. All messages over stream transports MUST
 * contain a Content-Length header field."
 *
 * RFC 3261 §7.5: "Implementations processing SIP messages over stream-oriented transports
 * MUST ignore any CRLF appearing before the start-line", which is also how the RFC 5626 §3.5.1
 * CRLF keep-alive arrives: a double CRLF is the client's "ping", a single CRLF the "pong".
 *
 * Linear time: each byte is examined a bounded number of times however the stream is split,
 * because the search for the end of the headers resumes where the previous chunk left it.
 */

/** 1 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

export interface StreamFramerOptions {
  /** The largest message (headers and body) accepted, in bytes. Default 1 MiB. */
  maxMessageSize?: number;
}

export type FramingErrorCode = 'FRAMING' | 'MESSAGE_TOO_LARGE';

/** The stream cannot be split any further; the connection should be closed. */
export class FramingError extends Error {
  override readonly name = 'FramingError';
  constructor(
    readonly code: FramingErrorCode,
    message: string,
    /** Offset in the stream of the first byte of the message that could not be framed. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface FramerOutput {
  /** Complete messages, in order: start-line, headers, empty line and body (a copy). */
  messages: Buffer[];
  /** Double-CRLF keep-alive pings seen between messages (RFC 5626 §3.5.1). */
  pings: number;
  /** Set once, when the stream became unframeable; later pushes return nothing. */
  error?: FramingError;
}

const CR = 0x0d;
const LF = 0x0a;
const INITIAL_CAPACITY = 4096;

export class StreamFramer {
  private readonly maxMessageSize: number;
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** First unconsumed byte. */
  private start = 0;
  /** One past the last buffered byte. */
  private end = 0;
  /** Where the search for the end of the headers resumes. */
  private scan = 0;
  /** True once a non-CRLF byte of a message has been seen. */
  private inMessage = false;
  /** Start of the body, once the headers are complete. */
  private bodyStart = -1;
  private bodyLength = 0;
  /** LFs seen in the CRLFs between messages, to count pings. */
  private keepAliveLfs = 0;
  /** Stream offset of `buf[start]`. */
  private consumed = 0;
  private failure: FramingError | undefined;

  constructor(options: StreamFramerOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Bytes of an unfinished message held back (0 between messages; CRLFs do not count). */
  get buffered(): number {
    return this.inMessage ? this.end - this.start : 0;
  }

  /** The error that stopped the framer, if any. */
  get failed(): FramingError | undefined {
    return this.failure;
  }

  /** Adds bytes from the stream; returns the messages they complete. */
  push(chunk: Uint8Array): FramerOutput {
    const out: FramerOutput = { messages: [], pings: 0 };
    if (this.failure !== undefined) return out;
    this.append(chunk);
    for (;;) {
      if (!this.inMessage) this.skipKeepAlive(out);
      if (this.start === this.end) break;
      if (this.bodyStart < 0) {
        const headerEnd = this.findHeaderEnd();
        if (headerEnd < 0) {
          if (this.end - this.start > this.maxMessageSize) {
            this.fail(out, 'MESSAGE_TOO_LARGE', `headers exceed ${this.maxMessageSize} bytes without an empty line`);
          }
          break;
        }
        const length = this.contentLength(headerEnd);
        if (typeof length === 'string') {
          this.fail(out, 'FRAMING', length);
          break;
        }
        const total = headerEnd - this.start + length;
        if (total > this.maxMessageSize) {
          this.fail(out, 'MESSAGE_TOO_LARGE', `a ${total}-byte message (Content-Length ${length}) exceeds the ${this.maxMessageSize}-byte limit`);
          break;
        }
        this.bodyStart = headerEnd;
        this.bodyLength = length;
      }
      const messageEnd = this.bodyStart + this.bodyLength;
      if (this.end < messageEnd) break;
      out.messages.push(Buffer.from(this.buf.subarray(this.start, messageEnd)));
      this.consumed += messageEnd - this.start;
      this.start = messageEnd;
      this.scan = messageEnd;
      this.bodyStart = -1;
      this.inMessage = false;
    }
    if (this.start === this.end) {
      this.start = this.end = this.scan = 0;
    }
    return out;
  }

  /** Ignores CRLFs before a start-line (RFC 3261 §7.5), counting double-CRLF pings. */
  private skipKeepAlive(out: FramerOutput): void {
    while (this.start < this.end) {
      const byte = this.buf[this.start];
      if (byte === LF) {
        this.keepAliveLfs += 1;
        if (this.keepAliveLfs === 2) {
          out.pings += 1;
          this.keepAliveLfs = 0;
        }
      } else if (byte !== CR) {
        this.inMessage = true;
        this.keepAliveLfs = 0;
        break;
      }
      this.start += 1;
      this.consumed += 1;
    }
    this.scan = this.start;
  }

  /**
   * Finds the empty line that ends the headers (CRLF CRLF; a bare LF is tolerated) and returns
   * the offset of the first body byte, or -1 when more bytes are needed.
   */
  private findHeaderEnd(): number {
    const view = this.buf.subarray(0, this.end);
    let i = this.scan;
    for (;;) {
      i = view.indexOf(LF, i);
      if (i < 0) {
        this.scan = this.end;
        return -1;
      }
      const next = i + 1 < this.end ? view[i + 1] : undefined;
      if (next === LF) return i + 2;
      if (next === CR) {
        if (i + 2 >= this.end) break;
        if (view[i + 2] === LF) return i + 3;
      }
      if (next === undefined) break;
      i += 1;
    }
    // Not enough bytes to decide about the LF at i: look at it again next time.
    this.scan = i;
    return -1;
  }

  /** The Content-Length of the headers before `headerEnd`, or a sentence saying what is wrong. */
  private contentLength(headerEnd: number): number | string {
    const text = this.buf.toString('latin1', this.start, headerEnd);
    const values = unfoldedFields(text)
      .filter(([name]) => name === 'content-length' || name === 'l')
      .map(([, value]) => value);
    if (values.length === 0) {
      return 'no Content-Length header field: over a stream transport every message MUST carry one (RFC 3261 §18.3), so where this message ends cannot be known';
    }
    const first = values[0] as string;
    for (const value of values) {
      if (!/^[0-9]+$/.test(value)) return `Content-Length "${value}" is not a number of bytes`;
      if (value !== first && Number(value) !== Number(first)) {
        return `conflicting Content-Length values ${first} and ${value}`;
      }
    }
    // Digits beyond 15 cannot be represented exactly; any such size is far over the limit.
    return first.length > 15 ? Number.MAX_SAFE_INTEGER : Number(first);
  }

  private fail(out: FramerOutput, code: FramingErrorCode, message: string): void {
    this.failure = new FramingError(code, message, this.consumed);
    out.error = this.failure;
  }

  /** Copies `chunk` after the buffered bytes, compacting or growing the buffer as needed. */
  private append(chunk: Uint8Array): void {
    if (this.buf.length - this.end < chunk.length) {
      const live = this.end - this.start;
      const needed = live + chunk.length;
      const target =
        needed <= this.buf.length / 2 ? this.buf : Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
      this.buf.copy(target, 0, this.start, this.end);
      this.buf = target;
      this.scan -= this.start;
      if (this.bodyStart >= 0) this.bodyStart -= this.start;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}

/**
 * The header fields of a header block as `[lower-case name, trimmed value]`, with folded
 * lines joined (RFC 3261 §7.3.1: "Header fields can be extended over multiple lines by
 * preceding each extra line with at least one SP or horizontal tab"). The start-line is skipped.
 */
function unfoldedFields(block: string): Array<[string, string]> {
  const lines = block.split(/\r?\n/);
  const fields: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    fields.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return fields;
}
