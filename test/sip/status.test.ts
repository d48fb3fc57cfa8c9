import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  STATUS_CODES,
  categoryOf,
  describeStatus,
  isValidStatusCode,
  standInFor,
} from '../../src/sip/status.js';

/** The IANA "Response Codes" registry, as listed in the brief. */
const IANA_CODES = [
  100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404,
  405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 425, 428, 429,
  430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,
  491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606, 607, 608,
];

/** Codes the brief asks "what to check next" for. */
const WITH_NEXT = [401, 403, 404, 407, 408, 415, 420, 421, 423, 480, 481, 482, 483, 486, 487, 488, 491, 500, 503, 603, 606];

describe('STATUS_CODES', () => {
  it('holds exactly the IANA registry, ascending', () => {
    expect(STATUS_CODES.map((s) => s.code)).toEqual(IANA_CODES);
  });

  it.each(IANA_CODES)('%i has every field filled', (code) => {
    const s = describeStatus(code);
    expect(s.code).toBe(code);
    expect(s.known).toBe(true);
    expect(s.reason.length).toBeGreaterThan(1);
    expect(s.meaning.length).toBeGreaterThan(10);
    expect(s.meaning).not.toMatch(/\n/);
    expect(s.rfc).toMatch(/^RFC \d{4}$/);
    expect(s.category).toBe(categoryOf(code));
  });

  it.each(WITH_NEXT)('%i says what to check next', (code) => {
    expect(describeStatus(code).next).toMatch(/\w{3,}/);
  });

  it('has the canonical phrases and RFCs where they are easy to get wrong', () => {
    const pick = (c: number) => {
      const s = describeStatus(c);
      return `${s.code} ${s.reason} [${s.rfc}]`;
    };
    expect(pick(500)).toBe('500 Server Internal Error [RFC 3261]');
    expect(pick(437)).toBe('437 Unsupported Credential [RFC 8224]');
    expect(pick(481)).toBe('481 Call/Transaction Does Not Exist [RFC 3261]');
    expect(pick(199)).toBe('199 Early Dialog Terminated [RFC 6228]');
    expect(pick(417)).toBe('417 Unknown Resource-Priority [RFC 4412]');
    expect(pick(425)).toBe('425 Bad Alert Message [RFC 8876]');
    expect(pick(555)).toBe('555 Push Notification Service Not Supported [RFC 8599]');
    expect(pick(580)).toBe('580 Precondition Failure [RFC 3312]');
    expect(pick(607)).toBe('607 Unwanted [RFC 8197]');
    expect(pick(608)).toBe('608 Rejected [RFC 8688]');
    expect(pick(180)).toBe('180 Ringing [RFC 3261]');
  });

  it('tells a local 408 from a peer 408, and 415 from 488', () => {
    expect(describeStatus(408).next).toContain('408 (local)');
    expect(describeStatus(415).next).toContain('488');
    expect(describeStatus(488).next).toContain('415');
    expect(describeStatus(423).next).toContain('Min-Expires');
    expect(describeStatus(503).next).toContain('Retry-After');
    expect(describeStatus(483).next).toContain('Max-Forwards');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(STATUS_CODES)).toBe(true);
    expect(Object.isFrozen(STATUS_CODES[0])).toBe(true);
  });
});

describe('categoryOf', () => {
  it.each([
    [100, 'provisional'],
    [199, 'provisional'],
    [200, 'success'],
    [299, 'success'],
    [302, 'redirection'],
    [486, 'client-error'],
    [503, 'server-error'],
    [600, 'global-failure'],
    [699, 'global-failure'],
  ] as const)('%i → %s', (code, category) => {
    expect(categoryOf(code)).toBe(category);
  });

  it.each([99, 700, 0, -200, 200.5, NaN, Infinity])('%s → null', (code) => {
    expect(categoryOf(code)).toBeNull();
    expect(isValidStatusCode(code)).toBe(false);
  });
});

describe('unknown codes (RFC 3261 §8.1.3.2)', () => {
  it('treats an unknown final as its class x00', () => {
    const s = describeStatus(418);
    expect(s).toMatchObject({ code: 418, category: 'client-error', reason: 'Bad Request', rfc: 'RFC 3261', known: false });
    expect(s.meaning).toMatch(/^unknown code 418, treated as 400 \(RFC 3261 §8\.1\.3\.2\)/);
    expect(describeStatus(299)).toMatchObject({ code: 299, reason: 'OK', category: 'success', known: false });
    expect(describeStatus(699).meaning).toMatch(/^unknown code 699, treated as 600 /);
  });

  it('treats an unknown provisional as 183', () => {
    const s = describeStatus(150);
    expect(s).toMatchObject({ code: 150, reason: 'Session Progress', category: 'provisional', known: false });
    expect(s.meaning).toMatch(/^unknown code 150, treated as 183 \(RFC 3261 §8\.1\.3\.2\)/);
  });

  it('every valid code is described, with its own code and its class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 699 }), (code) => {
        const s = describeStatus(code);
        expect(s.code).toBe(code);
        expect(s.category).toBe(categoryOf(code));
        expect(s.known).toBe(IANA_CODES.includes(code));
        if (!s.known) expect(standInFor(code)).toBe(code < 200 ? 183 : code - (code % 100));
      }),
    );
  });

  it('throws on codes outside 100–699', () => {
    for (const code of [0, 99, 700, 1000, 200.5]) {
      expect(() => describeStatus(code)).toThrow(RangeError);
    }
  });
});
