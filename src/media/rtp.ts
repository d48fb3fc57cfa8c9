/**
 * The RTP fixed header (RFC 3550 §5.1), read into and written from caller-owned memory.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             |
 * ```
 *
 * This is the per-packet path: nothing here allocates. `readRtp` fills a reusable
 * {@link RtpHeader} (make one with {@link newRtpHeader}) and returns an error code instead of
 * throwing, since the input comes from the network.
 */

/** RFC 3550 §5.1: "This field identifies the version of RTP. The version defined by this
 *  specification is two (2)." */
export const RTP_VERSION = 2;

/** The fixed header: V/P/X/CC, M/PT, sequence number, timestamp, SSRC (RFC 3550 §5.1). */
export const RTP_HEADER_LENGTH = 12;

/** A parsed RTP header. Numbers are unsigned: `timestamp` and `ssrc` in 0..2^32−1. */
export interface RtpHeader {
  /** V: always 2 after a successful read. */
  version: number;
  /** P: "the packet contains one or more additional padding octets at the end which are not
   *  part of the payload" (§5.1). */
  padding: boolean;
  /** X: "the fixed header MUST be followed by exactly one header extension" (§5.1). */
  extension: boolean;
  /** CC: the number of CSRC identifiers that follow the fixed header, 0..15. */
  csrcCount: number;
  /** M: "intended to allow significant events such as frame boundaries to be marked". */
  marker: boolean;
  /** PT: 0..127. */
  payloadType: number;
  /** 0..65535. */
  sequence: number;
  /** "the sampling instant of the first octet in the RTP data packet", 0..2^32−1. */
  timestamp: number;
  /** 0..2^32−1. */
  ssrc: number;
  /** Where the payload starts: after the CSRC list and the header extension. */
  payloadOffset: number;
  /** Payload octets, padding excluded. */
  payloadLength: number;
}

/**
 * Why a datagram is not an RTP packet we accept (RFC 3550 A.1, the checks possible on one
 * packet):
 *
 * | code | meaning |
 * |---|---|
 * | `length` | the given length is negative or beyond the buffer |
 * | `short` | fewer than 12 octets, or fewer than 12 + 4·CC |
 * | `version` | "RTP version field must equal 2" |
 * | `extension` | X is set but the extension header or its `length` words run past the packet |
 * | `padding` | P is set but "the last octet of the packet must contain a valid octet count" fails: 0, or more than the octets after the header |
 */
export type RtpReadError = 'length' | 'short' | 'version' | 'extension' | 'padding';

/** A header object to reuse for every packet of a stream. */
export function newRtpHeader(): RtpHeader {
  return {
    version: 0,
    padding: false,
    extension: false,
    csrcCount: 0,
    marker: false,
    payloadType: 0,
    sequence: 0,
    timestamp: 0,
    ssrc: 0,
    payloadOffset: 0,
    payloadLength: 0,
  };
}

/**
 * Reads the RTP header of the first `length` octets of `buf` into `out`. Returns `undefined`
 * when the packet is valid, else a {@link RtpReadError} code; `out` then holds whatever was
 * read before the check failed. Never throws, never allocates.
 *
 * Checks (RFC 3550 A.1): version 2; 12 + 4·CC octets present; with X, the extension header
 * ("a 16-bit length field that counts the number of 32-bit words in the extension, excluding
 * the four-octet extension header", §5.3.1) fits; with P, the pad count (last octet, which
 * "includ[es] itself", §5.1) is at least 1 and no more than what follows the headers.
 * Whether the payload type is known is the caller's business.
 */
export function readRtp(buf: Uint8Array, length: number, out: RtpHeader): RtpReadError | undefined {
  if (!(length >= 0) || length > buf.length) return 'length';
  if (length < RTP_HEADER_LENGTH) return 'short';
  const b0 = buf[0];
  const b1 = buf[1];
  out.version = b0 >>> 6;
  out.padding = (b0 & 0x20) !== 0;
  out.extension = (b0 & 0x10) !== 0;
  out.csrcCount = b0 & 0x0f;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequence = (buf[2] << 8) | buf[3];
  out.timestamp = readU32(buf, 4);
  out.ssrc = readU32(buf, 8);
  out.payloadOffset = 0;
  out.payloadLength = 0;
  if (out.version !== RTP_VERSION) return 'version';
  let offset = RTP_HEADER_LENGTH + 4 * out.csrcCount;
  if (offset > length) return 'short';
  if (out.extension) {
    if (offset + 4 > length) return 'extension';
    const words = (buf[offset + 2] << 8) | buf[offset + 3];
    offset += 4 + 4 * words;
    if (offset > length) return 'extension';
  }
  let end = length;
  if (out.padding) {
    const pad = buf[length - 1];
    if (pad === 0 || pad > length - offset) return 'padding';
    end -= pad;
  }
  out.payloadOffset = offset;
  out.payloadLength = end - offset;
  return undefined;
}

/** A header could not be written: the buffer has no room for it. A bug in the caller. */
export class RtpWriteError extends RangeError {
  override readonly name = 'RtpWriteError';
  readonly code = 'buffer-too-small';

  constructor(readonly offset: number, readonly capacity: number) {
    super(`buffer-too-small: an RTP header at offset ${offset} needs ${RTP_HEADER_LENGTH} octets, the buffer has ${capacity}`);
  }
}

/**
 * Writes a 12-octet RTP header (V = 2, no padding, no extension, no CSRC) at `offset` and
 * returns its length, 12. Values are reduced to their field widths (PT to 7 bits, sequence
 * to 16, timestamp and SSRC to 32). Throws {@link RtpWriteError} when the header does not fit.
 */
export function writeRtpHeader(
  buf: Uint8Array,
  offset: number,
  marker: boolean,
  payloadType: number,
  sequence: number,
  timestamp: number,
  ssrc: number,
): number {
  if (!(offset >= 0) || offset + RTP_HEADER_LENGTH > buf.length) throw new RtpWriteError(offset, buf.length);
  buf[offset] = RTP_VERSION << 6;
  buf[offset + 1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf[offset + 2] = (sequence >>> 8) & 0xff;
  buf[offset + 3] = sequence & 0xff;
  writeU32(buf, offset + 4, timestamp);
  writeU32(buf, offset + 8, ssrc);
  return RTP_HEADER_LENGTH;
}

/**
 * RTP or RTCP on one port? RFC 5761 §4: "if the value of the second octet is within the
 * range 192-223 (i.e., RTP payload types 64-95 with the marker bit set), the packet is RTCP"
 * — that range holds every RTCP packet type (SR 200, RR 201, SDES 202, BYE 203, APP 204, the
 * feedback types 205–206, XR 207), which is why RTP payload types 64–95 must not be used
 * with multiplexing. False for fewer than 2 octets.
 */
export function isRtcpPacket(buf: Uint8Array, length: number): boolean {
  if (length < 2 || buf.length < 2) return false;
  const b1 = buf[1];
  return b1 >= 192 && b1 <= 223;
}

/** Big-endian unsigned 32-bit read (network byte order, RFC 3550 §4). */
export function readU32(buf: Uint8Array, offset: number): number {
  return ((buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3]) >>> 0;
}

/** Big-endian 32-bit write of `value` reduced modulo 2^32. */
export function writeU32(buf: Uint8Array, offset: number, value: number): void {
  buf[offset] = (value >>> 24) & 0xff;
  buf[offset + 1] = (value >>> 16) & 0xff;
  buf[offset + 2] = (value >>> 8) & 0xff;
  buf[offset + 3] = value & 0xff;
}
