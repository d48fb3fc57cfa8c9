/**
 * Why a byte string is not a SIP message we accept. Stable codes; `reason` is plain words
 * (with the RFC section), `offset` the byte offset in the input where the problem was found.
 *
 * | code | meaning |
 * |---|---|
 * | `empty-message` | nothing but CRLF (or nothing) |
 * | `no-header-end` | no empty line (CRLFCRLF) ends the header section; on a stream: wait for more |
 * | `bad-start-line` | the first line is neither a Request-Line nor a Status-Line (§7.1, §7.2, §25.1) |
 * | `bad-version` | a well-formed SIP-Version other than SIP/2.0 (§7.1; a UAS answers 505) |
 * | `bad-status-code` | the Status-Code is not 3 digits in 100–699 (§7.2, §21) |
 * | `bad-request-uri` | the Request-URI is not a valid URI (§19.1, §25.1) |
 * | `bad-header-line` | a header line without a colon, a bad name, a stray CR or LF (§7.3) |
 * | `nul-in-header` | a NUL octet in the start line or a header (only allowed as a quoted-pair) |
 * | `missing-required-header` | no To, From, CSeq, Call-ID or Via (§8.1.1) |
 * | `duplicate-header` | To, From, CSeq or Call-ID appears more than once (§7.3.1, RFC 4475 §3.3.8) |
 * | `bad-cseq` | the CSeq value is malformed or above 2**32-1 (§8.1.1.5, §20.16) |
 * | `cseq-method-mismatch` | a request whose CSeq method differs from its method (§8.1.1.5) |
 * | `bad-content-length` | Content-Length is not 1*DIGIT (§20.14) |
 * | `conflicting-content-length` | several Content-Length values that disagree (RFC 4475 §3.3.9) |
 * | `content-length-exceeds-body` | (datagram) Content-Length larger than the bytes that arrived (§18.3) |
 * | `incomplete-body` | (stream) the body has not fully arrived yet: wait for more |
 * | `missing-content-length` | (stream) no Content-Length, which stream transports require (§18.3) |
 * | `internal-error` | a bug in the parser (never expected; reported rather than thrown) |
 */
export type SipParseErrorCode =
  | 'empty-message'
  | 'no-header-end'
  | 'bad-start-line'
  | 'bad-version'
  | 'bad-status-code'
  | 'bad-request-uri'
  | 'bad-header-line'
  | 'nul-in-header'
  | 'missing-required-header'
  | 'duplicate-header'
  | 'bad-cseq'
  | 'cseq-method-mismatch'
  | 'bad-content-length'
  | 'conflicting-content-length'
  | 'content-length-exceeds-body'
  | 'incomplete-body'
  | 'missing-content-length'
  | 'internal-error';

/** A typed parse error: never thrown by `parseMessage`, returned in its result. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  readonly code: SipParseErrorCode;
  /** Plain words, with the RFC section that is not met. */
  readonly reason: string;
  /** Byte offset in the input. */
  readonly offset: number;

  constructor(code: SipParseErrorCode, reason: string, offset: number) {
    super(`${code} at byte ${offset}: ${reason}`);
    this.code = code;
    this.reason = reason;
    this.offset = offset;
  }
}
