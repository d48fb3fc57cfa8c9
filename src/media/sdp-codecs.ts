/**
 * Which codec a payload type of an `m=` line stands for (RFC 4566 §6 `a=rtpmap`, else the RFC 3551
 * §6 static assignments), and the payload types a media lists.
 */
import type { SdpMedia } from './sdp-session.js';

/** A payload type with its encoding, from `a=rtpmap` or, when there is none, the RFC 3551 static table. */
export interface SdpCodec {
  payloadType: number;
  encoding: string;
  clockRate: number;
  channels?: number;
  /** The `a=rtpmap` line; absent when the codec comes from the static table. */
  line?: number;
  fromStaticTable: boolean;
}

/**
 * RFC 3551 §6 Table 4 and 5: the statically assigned payload types. G722 has an 8000 Hz RTP clock
 * although it samples at 16 kHz (RFC 3551 §4.5.2).
 */
export const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, { encoding: string; clockRate: number; channels?: number }> = new Map([
  [0, { encoding: 'PCMU', clockRate: 8000, channels: 1 }],
  [3, { encoding: 'GSM', clockRate: 8000, channels: 1 }],
  [4, { encoding: 'G723', clockRate: 8000, channels: 1 }],
  [5, { encoding: 'DVI4', clockRate: 8000, channels: 1 }],
  [6, { encoding: 'DVI4', clockRate: 16000, channels: 1 }],
  [7, { encoding: 'LPC', clockRate: 8000, channels: 1 }],
  [8, { encoding: 'PCMA', clockRate: 8000, channels: 1 }],
  [9, { encoding: 'G722', clockRate: 8000, channels: 1 }],
  [10, { encoding: 'L16', clockRate: 44100, channels: 2 }],
  [11, { encoding: 'L16', clockRate: 44100, channels: 1 }],
  [12, { encoding: 'QCELP', clockRate: 8000, channels: 1 }],
  [13, { encoding: 'CN', clockRate: 8000, channels: 1 }],
  [14, { encoding: 'MPA', clockRate: 90000 }],
  [15, { encoding: 'G728', clockRate: 8000, channels: 1 }],
  [16, { encoding: 'DVI4', clockRate: 11025, channels: 1 }],
  [17, { encoding: 'DVI4', clockRate: 22050, channels: 1 }],
  [18, { encoding: 'G729', clockRate: 8000, channels: 1 }],
  [25, { encoding: 'CelB', clockRate: 90000 }],
  [26, { encoding: 'JPEG', clockRate: 90000 }],
  [28, { encoding: 'nv', clockRate: 90000 }],
  [31, { encoding: 'H261', clockRate: 90000 }],
  [32, { encoding: 'MPV', clockRate: 90000 }],
  [33, { encoding: 'MP2T', clockRate: 90000 }],
  [34, { encoding: 'H263', clockRate: 90000 }],
]);

/**
 * The codec a payload type of this media stands for: its `a=rtpmap` if any (RFC 4566 §6), else
 * the static assignment (RFC 3551 §6). Undefined for a dynamic type without rtpmap.
 */
export function codecOf(media: SdpMedia, payloadType: number): SdpCodec | undefined {
  const map = media.rtpmap.get(payloadType);
  if (map !== undefined) {
    const c: SdpCodec = { payloadType, encoding: map.encoding, clockRate: map.clockRate, line: map.line, fromStaticTable: false };
    if (map.channels !== undefined) c.channels = map.channels;
    return c;
  }
  const s = STATIC_PAYLOAD_TYPES.get(payloadType);
  if (s === undefined) return undefined;
  const c: SdpCodec = { payloadType, encoding: s.encoding, clockRate: s.clockRate, fromStaticTable: true };
  if (s.channels !== undefined) c.channels = s.channels;
  return c;
}

/** The RTP payload types of the `m=` line, in order, as numbers (non-numeric formats left out). */
export function payloadTypes(media: SdpMedia): number[] {
  return media.formats.filter((f) => /^\d{1,3}$/.test(f)).map(Number);
}
