import type { Headers } from './headers.js';

/** A SIP request (RFC 3261 §7.1): Request-Line, headers, body. */
export interface SipRequest {
  readonly kind: 'request';
  method: string;
  /** The Request-URI exactly as written on the Request-Line. */
  uri: string;
  /** `SIP/2.0` for anything we accept. */
  version: string;
  headers: Headers;
  /** The message body (bytes after the empty line, as framed by Content-Length). */
  body: Uint8Array;
}

/** A SIP response (RFC 3261 §7.2): Status-Line, headers, body. */
export interface SipResponse {
  readonly kind: 'response';
  status: number;
  reason: string;
  version: string;
  headers: Headers;
  body: Uint8Array;
}

export type SipMessage = SipRequest | SipResponse;

export const SIP_VERSION = 'SIP/2.0';
