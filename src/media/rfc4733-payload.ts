/**
 * The RFC 4733 §2.3 payload of a named telephone event (`telephone-event`), 4 octets:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * - §2.3.1 event: "a number between 0 and 255 identifying a specific telephony event".
 * - §2.3.2 E: "the "end" bit indicates that this packet contains the end of the event".
 * - §2.3.3 R: "The sender MUST set it to zero, and the receiver MUST ignore it."
 * - §2.3.4 volume: "the power level of the tone, expressed in dBm0 after dropping the sign.
 *   Power levels range from 0 to -63 dBm0."
 * - §2.3.5 duration: "in timestamp units, expressed as an unsigned integer in network byte
 *   order".
 *
 * Pure, and allocation-free when the caller passes the output object.
 */

/** Octets of one event report (RFC 4733 §2.3, Figure 1). */
export const RFC4733_PAYLOAD_LENGTH = 4;

/** The largest duration the 16-bit field holds (RFC 4733 §2.3.5). */
export const RFC4733_MAX_DURATION = 0xffff;

/** One decoded event report. */
export interface Rfc4733Payload {
  /** 0..255. */
  event: number;
  /** The E bit. */
  end: boolean;
  /** 0..63: the level is −volume dBm0. */
  volume: number;
  /** In RTP timestamp units, 0..65535. */
  duration: number;
}

/** A telephone-event payload could not be read or written. */
export class Rfc4733PayloadError extends RangeError {
  override readonly name = 'Rfc4733PayloadError';
  readonly code = 'rfc4733-payload';
}

/**
 * Reads the event report at `payload[offset .. offset+length)`. Throws
 * {@link Rfc4733PayloadError} when fewer than 4 octets are there. When `out` is given it is
 * filled and returned (no allocation). Only the first report is read; RFC 4733 §2.5.1.5
 * allows more in one packet, each 4 octets.
 */
export function readRfc4733(payload: Uint8Array, offset: number, length: number, out?: Rfc4733Payload): Rfc4733Payload {
  if (!(offset >= 0) || length < RFC4733_PAYLOAD_LENGTH || offset + RFC4733_PAYLOAD_LENGTH > payload.length) {
    throw new Rfc4733PayloadError(
      `a telephone-event payload needs ${RFC4733_PAYLOAD_LENGTH} octets (RFC 4733 §2.3); got ${Math.max(0, Math.min(length, payload.length - offset))}`,
    );
  }
  const target = out ?? { event: 0, end: false, volume: 0, duration: 0 };
  const b1 = payload[offset + 1];
  target.event = payload[offset];
  target.end = (b1 & 0x80) !== 0;
  target.volume = b1 & 0x3f;
  target.duration = (payload[offset + 2] << 8) | payload[offset + 3];
  return target;
}

/**
 * Writes one event report at `out[offset .. offset+4)`, R = 0. Throws
 * {@link Rfc4733PayloadError} for a field out of range or too little room.
 */
export function writeRfc4733(out: Uint8Array, offset: number, event: number, end: boolean, volume: number, duration: number): void {
  if (!(offset >= 0) || offset + RFC4733_PAYLOAD_LENGTH > out.length) {
    throw new Rfc4733PayloadError(`no room for a ${RFC4733_PAYLOAD_LENGTH}-octet telephone-event payload at offset ${offset}`);
  }
  if (!Number.isInteger(event) || event < 0 || event > 255) {
    throw new Rfc4733PayloadError(`event ${event} is not 0..255 (RFC 4733 §2.3.1)`);
  }
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) {
    throw new Rfc4733PayloadError(`volume ${volume} is not 0..63, i.e. 0 to -63 dBm0 (RFC 4733 §2.3.4)`);
  }
  if (!Number.isInteger(duration) || duration < 0 || duration > RFC4733_MAX_DURATION) {
    throw new Rfc4733PayloadError(`duration ${duration} is not 0..65535 timestamp units (RFC 4733 §2.3.5)`);
  }
  out[offset] = event;
  out[offset + 1] = (end ? 0x80 : 0) | volume;
  out[offset + 2] = duration >>> 8;
  out[offset + 3] = duration & 0xff;
}
