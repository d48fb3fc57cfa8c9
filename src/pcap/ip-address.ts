import { isIP } from 'node:net';

/**
 * The bytes of an IP literal: 4 for IPv4, 16 for IPv6 (RFC 4291 §2.2 text forms: `::`
 * compression, an embedded IPv4 tail such as `::ffff:192.0.2.1`; a `%zone` suffix is
 * dropped). Throws a TypeError for anything else.
 */
export function ipBytes(address: string): Buffer {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(plain);
  if (kind === 4) return Buffer.from(plain.split('.').map(Number));
  if (kind !== 6) throw new TypeError(`not an IP address: "${address}"`);
  // An IPv4 tail becomes two hex words, so that only hex words are left.
  const text = plain.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) => {
    const word = (x: string, y: string) => ((Number(x) << 8) | Number(y)).toString(16);
    return `${word(a, b)}:${word(c, d)}`;
  });
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const gap = text.indexOf('::');
  const all =
    gap < 0
      ? words(text)
      : (() => {
          const front = words(text.slice(0, gap));
          const back = words(text.slice(gap + 2));
          return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
        })();
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}
