/**
 * The Internet checksum (RFC 1071): the one's complement of the one's complement sum of the
 * 16-bit big-endian words of `parts`, taken as one byte string (an odd final byte is padded
 * with a zero). Used for the IPv4 header, and for UDP and TCP with their pseudo-headers.
 */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined; // a byte left over from the previous part
  for (const p of parts) {
    let i = 0;
    if (odd !== undefined && p.length > 0) {
      sum += (odd << 8) | p[0]!;
      odd = undefined;
      i = 1;
    }
    for (; i + 1 < p.length; i += 2) sum += (p[i]! << 8) | p[i + 1]!;
    if (i < p.length) odd = p[i]!;
    // fold now and then so the sum stays a small integer
    if (sum > 0x7fffffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
