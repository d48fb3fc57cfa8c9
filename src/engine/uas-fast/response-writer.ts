/**
 * Responses of `answer --load` written straight from the request's bytes (RFC 3261 §8.2.6.2):
 * the status line, then the request's Via and Record-Route lines, From, To (with our tag when it
 * had none), Call-ID and CSeq copied as they came, then pre-encoded lines (Server, and Contact,
 * Allow, Content-Type for a 2xx to INVITE) and the body. No header object, no serializer.
 */
import type { RequestView } from './scan.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
const CRLF = enc('\r\n');
const TAG = enc(';tag=');

/** What the writer adds to every response. */
export interface WriterOptions {
  /** The Server header value (RFC 3261 §20.35). */
  server: string;
  /** Our Contact (a name-addr), for the responses that establish a dialog (§12.1.1). */
  contact: string;
  allow: string;
}

export class ResponseWriter {
  private readonly statusLines = new Map<number, Buffer>();
  private readonly server: Buffer;
  private readonly dialogLines: Buffer;
  private readonly sdpType = enc('Content-Type: application/sdp\r\n');

  constructor(o: WriterOptions) {
    this.server = enc(`Server: ${o.server}\r\n`);
    this.dialogLines = enc(`Contact: ${o.contact}\r\nAllow: ${o.allow}\r\n`);
  }

  private statusLine(status: number, reason: string): Buffer {
    let b = this.statusLines.get(status);
    if (!b) this.statusLines.set(status, (b = enc(`SIP/2.0 ${status} ${reason}\r\n`)));
    return b;
  }

  /**
   * The response to the request `v` describes in `req`. `toTag`: added to To when it has none.
   * `dialog`: add Contact and Allow. `extra`: more header lines, each ending in CRLF.
   */
  write(req: Buffer, v: RequestView, status: number, reason: string, toTag: string | undefined, dialog: boolean, body?: Buffer, extra?: Buffer): Buffer {
    const line = this.statusLine(status, reason);
    const addTag = toTag !== undefined && v.toTagS < 0;
    const toEnd = addTag ? v.toValueE : v.toE;
    let n = line.length;
    for (let i = 0; i < v.viaN; i++) n += v.viaE[i]! - v.viaS[i]! + 2;
    for (let i = 0; i < v.rrN; i++) n += v.rrE[i]! - v.rrS[i]! + 2;
    n += v.fromE - v.fromS + 2 + (toEnd - v.toS) + 2 + v.callIdE - v.callIdS + 2 + v.cseqE - v.cseqS + 2;
    if (addTag) n += TAG.length + toTag.length;
    n += this.server.length;
    if (dialog) n += this.dialogLines.length;
    if (extra) n += extra.length;
    const bodyLen = body ? body.length : 0;
    if (body) n += this.sdpType.length;
    const cl = `Content-Length: ${bodyLen}\r\n\r\n`;
    n += cl.length + bodyLen;
    const out = Buffer.allocUnsafe(n);
    let p = 0;
    out.set(line, p);
    p += line.length;
    for (let i = 0; i < v.viaN; i++) p = copyLine(req, v.viaS[i]!, v.viaE[i]!, out, p);
    for (let i = 0; i < v.rrN; i++) p = copyLine(req, v.rrS[i]!, v.rrE[i]!, out, p);
    p = copyLine(req, v.fromS, v.fromE, out, p);
    p += req.copy(out, p, v.toS, toEnd);
    if (addTag) {
      out.set(TAG, p);
      p += TAG.length;
      p += out.write(toTag, p, 'latin1');
    }
    out.set(CRLF, p);
    p += 2;
    p = copyLine(req, v.callIdS, v.callIdE, out, p);
    p = copyLine(req, v.cseqS, v.cseqE, out, p);
    out.set(this.server, p);
    p += this.server.length;
    if (dialog) {
      out.set(this.dialogLines, p);
      p += this.dialogLines.length;
    }
    if (extra) {
      out.set(extra, p);
      p += extra.length;
    }
    if (body) {
      out.set(this.sdpType, p);
      p += this.sdpType.length;
    }
    p += out.write(cl, p, 'latin1');
    if (body) out.set(body, p);
    return out;
  }
}

function copyLine(req: Buffer, s: number, e: number, out: Buffer, p: number): number {
  p += req.copy(out, p, s, e);
  out[p++] = 13;
  out[p++] = 10;
  return p;
}
