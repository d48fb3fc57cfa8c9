// The hostile peer's crafted responses: built from the request they answer as RFC 3261
// §8.2.6.2 says (Via, From, Call-ID and CSeq copied; To with a tag added), with whatever the
// test puts in: any status line and reason phrase, header lines taken as given (control bytes
// and all), a body, Via rows of its own, no Content-Length. Text is sent as latin1 (one byte
// per character), so a test writes the exact bytes it wants, e.g. '\xc2\x9b' for U+009B in UTF-8.
import type { WireMessage } from './message.js';

export interface ReplyOptions {
  /** The To tag to add when the request's To has none (default `hostile`; none for a 100; null: none). */
  toTag?: string | null;
  /** Extra header lines, without CRLF, sent as given. */
  headers?: string[];
  /** Replace the copied Via values with these. */
  via?: string[];
  body?: string | Buffer;
  /** Leave Content-Length out (to break stream framing on purpose). */
  noContentLength?: boolean;
}

/** A response to `req`: its bytes. */
export function reply(req: WireMessage, status: number, reason: string, o: ReplyOptions = {}): Buffer {
  const tag = o.toTag === undefined ? (status === 100 ? null : 'hostile') : o.toTag;
  const to = req.get('to', 't') ?? '';
  const body = typeof o.body === 'string' ? Buffer.from(o.body, 'latin1') : (o.body ?? Buffer.alloc(0));
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...(o.via ?? req.all('via', 'v')).map((v) => `Via: ${v}`),
    `From: ${req.get('from', 'f') ?? ''}`,
    `To: ${tag && !/;\s*tag=/i.test(to) ? `${to};tag=${tag}` : to}`,
    `Call-ID: ${req.get('call-id', 'i') ?? ''}`,
    `CSeq: ${req.get('cseq') ?? ''}`,
    ...(o.headers ?? []),
    ...(o.noContentLength ? [] : [`Content-Length: ${body.length}`]),
    '',
    '',
  ];
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}
