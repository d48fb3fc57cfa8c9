import { readU32, writeU32 } from './rtp.js';

/**
 * RTCP (RFC 3550 §6): the sender and receiver reports (§6.4), SDES CNAME (§6.5) and BYE
 * (§6.6) we send, a tolerant parser for what the peer sends (with the validity checks of
 * A.2), NTP timestamps (§4) and the round-trip time of §6.4.1.
 *
 * RTCP goes out about once per 5 s (§6.2), so unlike the RTP path the parser may allocate.
 * Writers fill a caller buffer and return the octets written; they throw
 * {@link RtcpWriteError} only on a caller bug (no room, too many blocks, text too long).
 * `parseRtcp` never throws on peer input: what is wrong is listed in `problems`.
 */

/** RTCP packet types (RFC 3550 §12.1). */
export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** SDES item type CNAME (RFC 3550 §6.5.1, §12.2). */
export const SDES_CNAME = 1;

/** "the number of seconds between 1900 (the NTP epoch) and 1970 (the Unix epoch)". */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** A report block is 24 octets (RFC 3550 §6.4.1). */
export const REPORT_BLOCK_LENGTH = 24;

/** The 5-bit RC field bounds a packet to 31 report blocks (§6.4.1: "If more than 31 ..."). */
export const MAX_REPORT_BLOCKS = 31;

/** An NTP timestamp (RFC 3550 §4): unsigned 32-bit seconds since 1900 and fraction. */
export interface NtpTime {
  sec: number;
  frac: number;
}

/**
 * The NTP timestamp of a Unix time in ms (RFC 3550 §4: "the integer part in the first 32
 * bits and the fractional part in the last 32 bits"). Seconds wrap modulo 2^32 (era 1
 * starts in 2036), as the field does.
 */
export function ntpFromUnixMs(ms: number): NtpTime {
  const whole = Math.floor(ms / 1000);
  const frac = Math.floor((ms - whole * 1000) * 4_294_967.296);
  return { sec: (whole + NTP_UNIX_OFFSET_S) >>> 0, frac: Math.min(frac, 0xffff_ffff) >>> 0 };
}

/**
 * "The middle 32 bits out of 64 in the NTP timestamp" (RFC 3550 §6.4.1, LSR): the low 16
 * bits of the seconds and the high 16 bits of the fraction, a time in units of 1/65536 s.
 */
export function ntpMiddle32(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}

/**
 * A reception report block (RFC 3550 §6.4.1) about one source, as sent in an SR or RR.
 */
export interface ReportBlock {
  /** SSRC_n: "The SSRC identifier of the source to which the information in this reception
   *  report block pertains." */
  ssrc: number;
  /** "The fraction of RTP data packets from source SSRC_n lost since the previous SR or RR
   *  packet was sent, expressed as a fixed point number with the binary point at the left
   *  edge of the field": 0..255, 256ths. */
  fractionLost: number;
  /** "The total number of RTP data packets from source SSRC_n that have been lost since the
   *  beginning of reception ... may be negative due to duplicates": signed 24-bit. */
  cumulativeLost: number;
  /** "The low 16 bits contain the highest sequence number received ... and the most
   *  significant 16 bits extend that sequence number with the corresponding count of
   *  sequence number cycles". */
  extendedHighestSeq: number;
  /** Interarrival jitter, in timestamp units. */
  jitter: number;
  /** Last SR timestamp: the middle 32 bits of the NTP time of the most recent SR from
   *  SSRC_n; "If no SR has been received yet, the field is set to zero." */
  lsr: number;
  /** Delay since last SR, "expressed in units of 1/65536 seconds"; 0 when no SR yet. */
  dlsr: number;
}

/** What an SR carries (RFC 3550 §6.4.1): the sender info and its report blocks. */
export interface SenderReportFields {
  ssrc: number;
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  /** "The total number of RTP data packets transmitted by the sender since starting
   *  transmission up until the time this SR packet was generated." */
  packetCount: number;
  /** "The total number of payload octets (i.e., not including header or padding)". */
  octetCount: number;
  reports: readonly ReportBlock[];
}

/** What an RR carries (RFC 3550 §6.4.2). */
export interface ReceiverReportFields {
  ssrc: number;
  reports: readonly ReportBlock[];
}

export interface RtcpSenderReport extends SenderReportFields {
  type: 'sr';
  reports: ReportBlock[];
}

export interface RtcpReceiverReport extends ReceiverReportFields {
  type: 'rr';
  reports: ReportBlock[];
}

/** One SDES item (RFC 3550 §6.5): its type (1 CNAME, 2 NAME, … 8 PRIV) and text. */
export interface SdesItem {
  type: number;
  value: string;
}

/** One SDES chunk: a source and its items; `cname` is the CNAME item's text when present. */
export interface SdesChunk {
  ssrc: number;
  cname?: string;
  items: SdesItem[];
}

export interface RtcpSdes {
  type: 'sdes';
  chunks: SdesChunk[];
}

export interface RtcpBye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

/** A packet type we do not decode (APP, RTPFB/PSFB, XR, …), by its PT. */
export interface RtcpOther {
  type: 'other';
  pt: number;
}

export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpOther;

/** A parsed compound packet: what could be decoded, and every rule it breaks. */
export interface RtcpCompound {
  packets: RtcpPacket[];
  /** Plain words, each naming the RFC 3550 rule; empty for a valid compound packet. */
  problems: string[];
}

export type RtcpWriteErrorCode = 'buffer-too-small' | 'too-many-reports' | 'text-too-long';

/** An RTCP packet could not be written. Always a bug in the caller, never peer input. */
export class RtcpWriteError extends RangeError {
  override readonly name = 'RtcpWriteError';

  constructor(readonly code: RtcpWriteErrorCode, detail: string) {
    super(`${code}: ${detail}`);
  }
}

/**
 * Writes an SR (RFC 3550 §6.4.1, PT 200) at `off`: header, sender info, the report blocks.
 * Returns its length, 28 + 24·blocks.
 */
export function writeSenderReport(buf: Uint8Array, off: number, sr: SenderReportFields): number {
  const length = 28 + REPORT_BLOCK_LENGTH * checkReportCount(sr.reports.length);
  checkRoom(buf, off, length, 'SR');
  writeCommonHeader(buf, off, false, sr.reports.length, RTCP_SR, length);
  writeU32(buf, off + 4, sr.ssrc);
  writeU32(buf, off + 8, sr.ntpSec);
  writeU32(buf, off + 12, sr.ntpFrac);
  writeU32(buf, off + 16, sr.rtpTimestamp);
  writeU32(buf, off + 20, sr.packetCount);
  writeU32(buf, off + 24, sr.octetCount);
  for (let i = 0; i < sr.reports.length; i++) writeReportBlock(buf, off + 28 + REPORT_BLOCK_LENGTH * i, sr.reports[i]);
  return length;
}

/**
 * Writes an RR (RFC 3550 §6.4.2, PT 201) at `off`. With no blocks it is the 8-octet empty RR
 * that must still open a compound packet when there is nothing to report (§6.1). Returns
 * its length, 8 + 24·blocks.
 */
export function writeReceiverReport(buf: Uint8Array, off: number, rr: ReceiverReportFields): number {
  const length = 8 + REPORT_BLOCK_LENGTH * checkReportCount(rr.reports.length);
  checkRoom(buf, off, length, 'RR');
  writeCommonHeader(buf, off, false, rr.reports.length, RTCP_RR, length);
  writeU32(buf, off + 4, rr.ssrc);
  for (let i = 0; i < rr.reports.length; i++) writeReportBlock(buf, off + 8 + REPORT_BLOCK_LENGTH * i, rr.reports[i]);
  return length;
}

/**
 * Writes an SDES packet (RFC 3550 §6.5, PT 202) with one chunk holding one CNAME item
 * ("The CNAME item MUST be included in each compound RTCP packet", §6.5.1). The text is
 * UTF-8, at most 255 octets. §6.5: "The list of items in each chunk MUST be terminated by
 * one or more null octets ... additional null octets MUST be included if needed to pad until
 * the next 32-bit boundary." Returns the packet length, a multiple of 4.
 */
export function writeSdes(buf: Uint8Array, off: number, ssrc: number, cname: string): number {
  const textOff = off + 10;
  const n = writeText(buf, textOff, cname, 'CNAME');
  // 4 header + 4 SSRC + type + length + text + at least one null, rounded up to 32 bits.
  const length = (10 + n + 1 + 3) & ~3;
  checkRoom(buf, off, length, 'SDES');
  writeCommonHeader(buf, off, false, 1, RTCP_SDES, length);
  writeU32(buf, off + 4, ssrc);
  buf[off + 8] = SDES_CNAME;
  buf[off + 9] = n;
  buf.fill(0, textOff + n, off + length);
  return length;
}

/**
 * Writes a BYE (RFC 3550 §6.6, PT 203) for one source, with an optional reason ("an 8-bit
 * octet count followed by that many octets of text"; UTF-8, at most 255 octets). "If the
 * string fills the packet to the next 32-bit boundary, the string is not null terminated.
 * If not, the BYE packet MUST be padded with null octets to the next 32-bit boundary."
 * Returns the packet length.
 */
export function writeBye(buf: Uint8Array, off: number, ssrc: number, reason?: string): number {
  let length = 8;
  if (reason !== undefined) {
    const n = writeText(buf, off + 9, reason, 'BYE reason');
    length = 8 + ((1 + n + 3) & ~3);
    checkRoom(buf, off, length, 'BYE');
    buf[off + 8] = n;
    buf.fill(0, off + 9 + n, off + length);
  } else {
    checkRoom(buf, off, length, 'BYE');
  }
  writeCommonHeader(buf, off, false, 1, RTCP_BYE, length);
  writeU32(buf, off + 4, ssrc);
  return length;
}

/**
 * Parses a compound RTCP packet (the first `length` octets of `buf`). Never throws.
 *
 * `problems` lists the failures of the RFC 3550 A.2 validity checks — "RTP version field must
 * equal 2", "The payload type field of the first RTCP packet in a compound packet must be
 * equal to SR or RR", "The padding bit (P) should be zero for the first packet ... padding
 * should only be applied, if it is needed, to the last packet", "The length fields of the
 * individual RTCP packets must add up to the overall length of the compound RTCP packet as
 * received" — and any packet whose count (RC/SC) does not fit its length. Parsing stops at a
 * packet whose version is not 2 or whose length runs past the end; what came before is kept.
 */
export function parseRtcp(buf: Uint8Array, length: number): RtcpCompound {
  const packets: RtcpPacket[] = [];
  const problems: string[] = [];
  if (!(length >= 0) || length > buf.length) {
    problems.push(`length ${length} is outside the buffer of ${buf.length} octets`);
    return { packets, problems };
  }
  if (length === 0) {
    problems.push('empty: no RTCP packet (RFC 3550 §6.1)');
    return { packets, problems };
  }
  let off = 0;
  for (let index = 1; off < length; index++) {
    if (length - off < 4) {
      problems.push(`${length - off} trailing octets are not an RTCP header: the lengths do not add up to ${length} (RFC 3550 A.2)`);
      break;
    }
    const b0 = buf[off];
    const version = b0 >>> 6;
    const padding = (b0 & 0x20) !== 0;
    const count = b0 & 0x1f;
    const pt = buf[off + 1];
    const size = (((buf[off + 2] << 8) | buf[off + 3]) + 1) * 4;
    if (version !== 2) {
      problems.push(`packet ${index} has version ${version}: "RTP version field must equal 2" (RFC 3550 A.2)`);
      break;
    }
    if (index === 1 && pt !== RTCP_SR && pt !== RTCP_RR) {
      problems.push(`the first packet is PT ${pt}, not SR (200) or RR (201) (RFC 3550 A.2)`);
    }
    if (off + size > length) {
      problems.push(`packet ${index} (PT ${pt}) claims ${size} octets, only ${length - off} remain: the lengths do not add up (RFC 3550 A.2)`);
      break;
    }
    let end = off + size;
    if (padding) {
      if (off + size !== length) problems.push(`packet ${index} (PT ${pt}) is padded but not last: padding belongs on the last packet only (RFC 3550 A.2)`);
      const pad = buf[end - 1];
      if (pad === 0 || pad > size - 4) problems.push(`packet ${index} (PT ${pt}) has a bad padding count ${pad} (RFC 3550 §6.4.1)`);
      else end -= pad;
    }
    packets.push(parseOne(buf, off, end, pt, count, index, problems));
    off += size;
  }
  return { packets, problems };
}

/**
 * The round-trip time from a report block about our stream (RFC 3550 §6.4.1): "the source
 * ... can compute the total round-trip propagation delay ... by recording the time A when
 * this reception report block is received. It calculates the total round-trip time A-LSR
 * using the last SR timestamp (LSR) field, and then subtracting this field to leave the
 * round-trip propagation delay as (A - LSR - DLSR)." All three in 1/65536 s; A is
 * {@link ntpMiddle32} of the arrival time. Returns ms, or `undefined` when LSR is 0 (the
 * peer has no SR from us yet) or the result is negative by more than
 * {@link RTT_NEGATIVE_TOLERANCE_MS} (a bogus DLSR); a smaller negative value (the peer
 * rounding DLSR on a fast link) is 0.
 */
export function rttMs(arrivalNtpMiddle32: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const units = (arrivalNtpMiddle32 - lsr - dlsr) | 0;
  const ms = (units * 1000) / 65536;
  if (ms >= 0) return ms;
  return ms >= -RTT_NEGATIVE_TOLERANCE_MS ? 0 : undefined;
}

/** How far below zero A − LSR − DLSR may fall and still count as an RTT of 0. */
export const RTT_NEGATIVE_TOLERANCE_MS = 5;

// ---------------------------------------------------------------------------------------

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** RC/SC fits 5 bits. */
function checkReportCount(n: number): number {
  if (n > MAX_REPORT_BLOCKS) throw new RtcpWriteError('too-many-reports', `${n} report blocks, an RTCP packet holds at most ${MAX_REPORT_BLOCKS}`);
  return n;
}

function checkRoom(buf: Uint8Array, off: number, length: number, what: string): void {
  if (!(off >= 0) || off + length > buf.length) {
    throw new RtcpWriteError('buffer-too-small', `the ${what} of ${length} octets at offset ${off} does not fit a buffer of ${buf.length}`);
  }
}

/** UTF-8 `text` at `off`, at most 255 octets; returns the octets written. */
function writeText(buf: Uint8Array, off: number, text: string, what: string): number {
  const room = Math.max(0, Math.min(255, buf.length - off));
  const { read, written } = utf8.encodeInto(text, buf.subarray(off, off + room));
  if (read !== text.length) {
    const needed = utf8.encode(text).length;
    if (needed > 255) throw new RtcpWriteError('text-too-long', `the ${what} is ${needed} octets in UTF-8, at most 255 fit`);
    throw new RtcpWriteError('buffer-too-small', `the ${what} of ${needed} octets at offset ${off} does not fit a buffer of ${buf.length}`);
  }
  return written;
}

/** `V=2 | P | RC/SC | PT | length` where length is "in 32-bit words minus one" (§6.4.1). */
function writeCommonHeader(buf: Uint8Array, off: number, padding: boolean, count: number, pt: number, length: number): void {
  const words = length / 4 - 1;
  buf[off] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1f);
  buf[off + 1] = pt;
  buf[off + 2] = (words >>> 8) & 0xff;
  buf[off + 3] = words & 0xff;
}

/** §6.4.1: the cumulative loss "should be clamped at 0x7fffff for positive loss or 0x800000
 *  for negative loss rather than wrapping around" (A.3). */
function writeReportBlock(buf: Uint8Array, off: number, rb: ReportBlock): void {
  const lost = Math.max(-0x80_0000, Math.min(0x7f_ffff, Math.trunc(rb.cumulativeLost)));
  writeU32(buf, off, rb.ssrc);
  writeU32(buf, off + 4, ((rb.fractionLost & 0xff) << 24) | (lost & 0xff_ffff));
  writeU32(buf, off + 8, rb.extendedHighestSeq);
  writeU32(buf, off + 12, rb.jitter);
  writeU32(buf, off + 16, rb.lsr);
  writeU32(buf, off + 20, rb.dlsr);
}

function readReportBlock(buf: Uint8Array, off: number): ReportBlock {
  const word = readU32(buf, off + 4);
  return {
    ssrc: readU32(buf, off),
    fractionLost: word >>> 24,
    cumulativeLost: (word << 8) >> 8,
    extendedHighestSeq: readU32(buf, off + 8),
    jitter: readU32(buf, off + 12),
    lsr: readU32(buf, off + 16),
    dlsr: readU32(buf, off + 20),
  };
}

/** Report blocks from `at` up to `end`; a count the length cannot hold is a problem. */
function readReportBlocks(buf: Uint8Array, at: number, end: number, count: number, what: string, problems: string[]): ReportBlock[] {
  const fit = Math.max(0, Math.floor((end - at) / REPORT_BLOCK_LENGTH));
  if (fit < count) problems.push(`${what} announces ${count} report blocks but has room for ${fit} (RFC 3550 §6.4)`);
  const reports: ReportBlock[] = [];
  for (let i = 0; i < Math.min(count, fit); i++) reports.push(readReportBlock(buf, at + REPORT_BLOCK_LENGTH * i));
  return reports;
}

function parseOne(buf: Uint8Array, off: number, end: number, pt: number, count: number, index: number, problems: string[]): RtcpPacket {
  const where = `packet ${index}`;
  switch (pt) {
    case RTCP_SR: {
      if (end - off < 28) {
        problems.push(`${where} is an SR of ${end - off} octets, shorter than its 28-octet sender info (RFC 3550 §6.4.1)`);
        return { type: 'other', pt };
      }
      return {
        type: 'sr',
        ssrc: readU32(buf, off + 4),
        ntpSec: readU32(buf, off + 8),
        ntpFrac: readU32(buf, off + 12),
        rtpTimestamp: readU32(buf, off + 16),
        packetCount: readU32(buf, off + 20),
        octetCount: readU32(buf, off + 24),
        reports: readReportBlocks(buf, off + 28, end, count, `${where} (SR)`, problems),
      };
    }
    case RTCP_RR: {
      if (end - off < 8) {
        problems.push(`${where} is an RR of ${end - off} octets, without its SSRC (RFC 3550 §6.4.2)`);
        return { type: 'other', pt };
      }
      return { type: 'rr', ssrc: readU32(buf, off + 4), reports: readReportBlocks(buf, off + 8, end, count, `${where} (RR)`, problems) };
    }
    case RTCP_SDES:
      return parseSdes(buf, off, end, count, where, problems);
    case RTCP_BYE:
      return parseBye(buf, off, end, count, where, problems);
    default:
      return { type: 'other', pt };
  }
}

/** RFC 3550 §6.5: SC chunks, each an SSRC and items ending with a null octet, 32-bit aligned. */
function parseSdes(buf: Uint8Array, off: number, end: number, count: number, where: string, problems: string[]): RtcpSdes {
  const chunks: SdesChunk[] = [];
  let at = off + 4;
  for (let c = 0; c < count; c++) {
    if (at + 4 > end) {
      problems.push(`${where} (SDES) announces ${count} chunks but holds ${c} (RFC 3550 §6.5)`);
      break;
    }
    const chunk: SdesChunk = { ssrc: readU32(buf, at), items: [] };
    chunks.push(chunk);
    at += 4;
    for (;;) {
      if (at >= end) {
        problems.push(`${where} (SDES) chunk for SSRC ${chunk.ssrc} has no terminating null octet (RFC 3550 §6.5)`);
        return { type: 'sdes', chunks };
      }
      const type = buf[at];
      if (type === 0) {
        at = off + ((at - off + 4) & ~3); // the null item, then nulls to the 32-bit boundary
        break;
      }
      if (at + 2 > end || at + 2 + buf[at + 1] > end) {
        problems.push(`${where} (SDES) item of type ${type} runs past the packet (RFC 3550 §6.5)`);
        return { type: 'sdes', chunks };
      }
      const n = buf[at + 1];
      const value = utf8Decoder.decode(buf.subarray(at + 2, at + 2 + n));
      chunk.items.push({ type, value });
      if (type === SDES_CNAME && chunk.cname === undefined) chunk.cname = value;
      at += 2 + n;
    }
  }
  return { type: 'sdes', chunks };
}

/** RFC 3550 §6.6: SC SSRCs, then optionally a length octet and the reason text. */
function parseBye(buf: Uint8Array, off: number, end: number, count: number, where: string, problems: string[]): RtcpBye {
  const fit = Math.floor((end - off - 4) / 4);
  if (fit < count) problems.push(`${where} (BYE) announces ${count} sources but has room for ${fit} (RFC 3550 §6.6)`);
  const ssrcs: number[] = [];
  for (let i = 0; i < Math.min(count, fit); i++) ssrcs.push(readU32(buf, off + 4 + 4 * i));
  const bye: RtcpBye = { type: 'bye', ssrcs };
  const at = off + 4 + 4 * Math.min(count, fit);
  if (at < end) {
    const n = buf[at];
    if (at + 1 + n > end) problems.push(`${where} (BYE) reason of ${n} octets runs past the packet (RFC 3550 §6.6)`);
    else if (n > 0) bye.reason = utf8Decoder.decode(buf.subarray(at + 1, at + 1 + n));
  }
  return bye;
}
