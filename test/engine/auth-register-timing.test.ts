// REGISTER lifecycle helpers (src/engine/register.ts): when a refresh is due, and which expiry
// the registrar granted to our binding (RFC 3261 §10.2.4).
import { describe, expect, it } from 'vitest';
import { grantedExpires, refreshDelayMs } from '../../src/engine/register.js';
import { Headers } from '../../src/sip/headers.js';
import { SIP_VERSION, type SipResponse } from '../../src/sip/message.js';

function ok(headers: Array<[string, string]>): SipResponse {
  const h = new Headers();
  for (const [n, v] of headers) h.append(n, v);
  return { kind: 'response', status: 200, reason: 'OK', version: SIP_VERSION, headers: h, body: new Uint8Array(0) };
}

describe('refreshDelayMs: half the granted time, or one Timer F (64·T1) before expiry if later', () => {
  it.each([
    [2, 500, 1000],
    [60, 500, 30_000],
    [64, 500, 32_000],
    [3600, 500, 3_568_000],
    [3600, 100, 3_593_600],
    [1, 500, 500],
  ])('granted %i s, T1 %i ms → %i ms', (granted, t1, want) => {
    expect(refreshDelayMs(granted, t1)).toBe(want);
  });

  it('always before expiry, and never earlier than half of it', () => {
    for (let g = 1; g <= 7200; g += 7) {
      const d = refreshDelayMs(g, 500);
      expect(d).toBeLessThan(g * 1000);
      expect(d).toBeGreaterThanOrEqual((g * 1000) / 2);
    }
  });
});

describe('grantedExpires', () => {
  const ours = 'sip:alice@127.0.0.1:5070';
  it('our Contact’s own expires parameter wins over the Expires header field', () => {
    const res = ok([
      ['Contact', '<sip:alice@10.0.0.9:5060>;expires=3000'],
      ['Contact', `<${ours}>;expires=120`],
      ['Expires', '3600'],
    ]);
    expect(grantedExpires(res, ours)).toBe(120);
  });
  it('falls back to the Expires header field, then to undefined', () => {
    expect(grantedExpires(ok([['Contact', `<${ours}>`], ['Expires', '90']]), ours)).toBe(90);
    expect(grantedExpires(ok([['Contact', '<sip:other@h>;expires=5']]), ours)).toBeUndefined();
    expect(grantedExpires(ok([['Contact', `<${ours}>;expires=soon`]]), ours)).toBeUndefined();
  });
});
