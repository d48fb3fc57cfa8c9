import { describe, expect, it } from 'vitest';
import { orderSrv, srvName } from '../../../src/transport/rfc3263/index.js';
import { srv } from './fake-dns.js';
import { prng as seeded } from '../../support/prng.js';

describe('orderSrv (RFC 2782)', () => {
  it('orders by priority, lowest first, whatever order the server gave', () => {
    const out = orderSrv([srv(20, 0, 1, 'c'), srv(10, 0, 1, 'a'), srv(30, 0, 1, 'd'), srv(15, 0, 1, 'b')], () => 0);
    expect(out.map((r) => r.target)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('within a priority, picks by running sum against a number in [0, sum]', () => {
    // weights 60 (x) then 40 (y): sum 100. r = 0.5 → pick 50 → x (running 60 ≥ 50).
    expect(orderSrv([srv(10, 60, 1, 'x'), srv(10, 40, 1, 'y')], () => 0.5).map((r) => r.target)).toEqual(['x', 'y']);
    // r = 0.95 → pick 95 → y (60 < 95 ≤ 100).
    expect(orderSrv([srv(10, 60, 1, 'x'), srv(10, 40, 1, 'y')], () => 0.95).map((r) => r.target)).toEqual(['y', 'x']);
  });

  it('puts zero weights first in the running sum: they win only a draw of 0', () => {
    expect(orderSrv([srv(10, 10, 1, 'w'), srv(10, 0, 1, 'zero')], () => 0).map((r) => r.target)).toEqual(['zero', 'w']);
    expect(orderSrv([srv(10, 10, 1, 'w'), srv(10, 0, 1, 'zero')], () => 0.5).map((r) => r.target)).toEqual(['w', 'zero']);
  });

  it('chooses in proportion to weight over many draws (seeded)', () => {
    const random = seeded(42);
    let first = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      if (orderSrv([srv(10, 75, 1, 'heavy'), srv(10, 25, 1, 'light')], random)[0]!.target === 'heavy') first++;
    }
    // P(heavy first) = 76/101 (integers 0..100 inclusive, heavy covers 0..75).
    expect(first / n).toBeGreaterThan(0.73);
    expect(first / n).toBeLessThan(0.78);
  });

  it('is the same for the same seed, and every record comes out exactly once', () => {
    const records = [srv(10, 5, 1, 'a'), srv(10, 50, 1, 'b'), srv(10, 20, 1, 'c'), srv(5, 1, 1, 'top'), srv(10, 0, 1, 'z')];
    const one = orderSrv(records, seeded(7)).map((r) => r.target);
    expect(orderSrv(records, seeded(7)).map((r) => r.target)).toEqual(one);
    expect(one[0]).toBe('top');
    expect([...one].sort()).toEqual(['a', 'b', 'c', 'top', 'z']);
  });

  it('a lone "." target means the service is not available: no targets', () => {
    expect(orderSrv([srv(0, 0, 0, '.')])).toEqual([]);
  });

  it('names the SRV owner per transport (RFC 3263 §4.1)', () => {
    expect(srvName('udp', 'example.com')).toBe('_sip._udp.example.com');
    expect(srvName('tcp', 'example.com')).toBe('_sip._tcp.example.com');
    expect(srvName('tls', 'example.com')).toBe('_sips._tcp.example.com');
  });
});
