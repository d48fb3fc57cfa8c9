import type { SipMessage } from './message.js';

const CRLF = '\r\n';

/**
 * Writes a message as bytes (RFC 3261 §7): start line, one row per header field, the empty
 * line, the body. Content-Length is written as found in the headers; callers that build
 * messages set it (see `withContentLength`). Header values are written as stored: values
 * that reach here were checked for CR, LF and NUL where they came from the user.
 */
export function serialize(msg: SipMessage): Buffer {
  let head =
    msg.kind === 'request'
      ? `${msg.method} ${msg.uri} ${msg.version}${CRLF}`
      : `${msg.version} ${msg.status} ${msg.reason}${CRLF}`;
  for (const f of msg.headers.fields) head += `${f.name}: ${f.value}${CRLF}`;
  head += CRLF;
  const headBytes = Buffer.from(head, 'utf8');
  if (msg.body.length === 0) return headBytes;
  return Buffer.concat([headBytes, msg.body]);
}

/** Sets Content-Length to the body's byte length (RFC 3261 §20.14). */
export function withContentLength<T extends SipMessage>(msg: T): T {
  msg.headers.set('Content-Length', String(msg.body.length));
  return msg;
}
