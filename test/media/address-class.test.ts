import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, ipFamily, isLoopback, parseIPv6, type AddressClass } from '../../src/media/address-class.js';

const TABLE: [string, AddressClass][] = [
  // IPv4
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.7', 'private'],
  ['10.255.255.255', 'private'],
  ['172.15.255.255', 'public'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', 'public'],
  ['192.168.1.20', 'private'],
  ['192.169.0.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.64.0.1', 'shared'],
  ['100.127.255.255', 'shared'],
  ['100.128.0.0', 'public'],
  ['169.254.10.20', 'link-local'],
  ['192.0.2.1', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.45', 'documentation'],
  ['203.0.114.1', 'public'],
  ['224.2.17.12', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  // IPv6
  ['::', 'unspecified'],
  ['0:0:0:0:0:0:0:0', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['FEBF::1', 'link-local'],
  ['fec0::1', 'reserved'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['2001:db8::7', 'documentation'],
  ['2001:0DB8:0:0:0:0:0:1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['ff02::1', 'multicast'],
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['1::1', 'reserved'],
  // IPv4-mapped IPv6: classified as the IPv4
  ['::ffff:10.0.0.7', 'private'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:203.0.113.9', 'documentation'],
  ['::ffff:0a00:0007', 'private'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:0.0.0.0', 'unspecified'],
  // not IP literals
  ['', 'invalid'],
  ['localhost', 'invalid'],
  ['host.atlanta.example.com', 'invalid'],
  ['1.2.3', 'invalid'],
  ['1.2.3.4.5', 'invalid'],
  ['256.1.1.1', 'invalid'],
  ['01.2.3.4', 'invalid'],
  ['1.2.3.-4', 'invalid'],
  ['[::1]', 'invalid'],
  ['1:2:3:4:5:6:7:8:9', 'invalid'],
  ['1::2::3', 'invalid'],
  ['12345::1', 'invalid'],
  ['::1%', 'invalid'],
  [':1', 'invalid'],
  ['1:', 'invalid'],
  ['::ffff:1.2.3', 'invalid'],
];

describe('classifyAddress', () => {
  it.each(TABLE)('%s → %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('isLoopback covers 127/8, ::1 and mapped 127/8 only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'localhost', '128.0.0.1'].map(isLoopback)).toEqual([false, false, false, false, false]);
  });

  it('parses RFC 4291 §2.2 forms to the same groups', () => {
    expect(parseIPv6('2001:DB8:0:0:8:800:200C:417A')).toEqual(parseIPv6('2001:db8::8:800:200c:417a'));
    expect(parseIPv6('::13.1.68.3')).toEqual([0, 0, 0, 0, 0, 0, 0x0d01, 0x4403]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIPv6('::2:3:4:5:6:7:8')).toEqual([0, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]);
  });
});

describe('ipFamily agrees with node:net isIP', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  const group = fc.nat(0xffff).map((n) => n.toString(16));
  const v6full = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(':'));
  const v6short = fc
    .tuple(fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 }))
    .map(([a, b]) => `${a.join(':')}::${b.join(':')}`);
  const v6mapped = v4.map((a) => `::ffff:${a}`);
  const junk = fc.string({ maxLength: 20 });
  const noisy = fc.oneof(v4, v6full, v6short, v6mapped).chain((s) =>
    fc.tuple(fc.nat(Math.max(0, s.length - 1)), fc.constantFrom('', ':', '.', '0', 'g', '::', '00')).map(([i, c]) => s.slice(0, i) + c + s.slice(i + 1)),
  );

  it('on generated literals and near-misses', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6full, v6short, v6mapped, junk, noisy), (s) => {
        expect(ipFamily(s)).toBe(isIP(s));
      }),
      { numRuns: 3000 },
    );
  });

  it('every valid literal gets a class other than invalid', () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6full, v6short, v6mapped), (s) => {
        expect(classifyAddress(s)).not.toBe('invalid');
      }),
    );
  });
});
