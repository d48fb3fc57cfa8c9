import { describe, expect, it } from 'vitest';
import { UnsupportedChallengeError, chooseChallenge, chooseChallenges, parseChallenges } from '../../src/auth/index.js';

const ALL = 'MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256, SHA-512-256-sess';

describe('chooseChallenge (RFC 8760 §2.4: the topmost the UAC supports)', () => {
  const md5First = parseChallenges([
    'Digest realm="example.com", nonce="n1", algorithm=MD5, qop="auth"',
    'Digest realm="example.com", nonce="n2", algorithm=SHA-256, qop="auth,auth-int"',
  ]);

  it('takes the server order by default, even when a stronger one comes later', () => {
    const r = chooseChallenge(md5First);
    if ('error' in r) throw r.error;
    expect(r.algorithm).toBe('MD5');
    expect(r.challenge.nonce).toBe('n1');
    expect(r.why).toBe(
      'MD5 chosen for realm "example.com": the first the server listed that sipcall supports, ' +
        "in the server's order MD5, SHA-256 (RFC 8760 §2.4); qop auth",
    );
  });

  it('takes the strongest under the opt-in "strongest" local policy', () => {
    const r = chooseChallenge(md5First, { policy: 'strongest' });
    if ('error' in r) throw r.error;
    expect(r.algorithm).toBe('SHA-256');
    expect(r.why).toBe(
      'SHA-256 chosen for realm "example.com": the strongest of MD5, SHA-256 offered ' +
        `(local policy "strongest", which RFC 8760 §2.4 allows over the server's order); qop auth of auth, auth-int (auth preferred unless auth-int is asked for)`,
    );
  });

  it('skips what it does not support and says so', () => {
    const r = chooseChallenge(
      parseChallenges(['Digest realm="r", nonce="a", algorithm=SHA-1, qop=auth', 'Digest realm="r", nonce="b", algorithm=SHA-512-256, qop=auth']),
    );
    if ('error' in r) throw r.error;
    expect(r.algorithm).toBe('SHA-512-256');
    expect(r.why).toContain(`skipped: algorithm "SHA-1" is not supported (supported: ${ALL})`);
  });

  it('asks for auth-int when told to', () => {
    const r = chooseChallenge(md5First.slice(1), { qop: 'auth-int' });
    if ('error' in r) throw r.error;
    expect(r.qop).toBe('auth-int');
  });

  it('answers a challenge without qop (RFC 2069 style)', () => {
    const r = chooseChallenge(parseChallenges(['Digest realm="r", nonce="n"']));
    if ('error' in r) throw r.error;
    expect(r.qop).toBeUndefined();
    expect(r.algorithm).toBe('MD5');
    expect(r.why).toBe('MD5 chosen for realm "r": the only challenge offered; no qop offered (RFC 2069 compatibility)');
  });

  it.each([
    ['Digest realm="r", nonce="n", algorithm=SHA-1', `algorithm "SHA-1" is not supported (supported: ${ALL})`],
    ['Digest realm="r", nonce="n", qop="auth-conf"', 'qop "auth-conf" is not supported (supported: auth, auth-int)'],
    ['Bearer realm="r"', 'scheme "Bearer" is not supported (supported: Digest)'],
    ['Digest realm="r", nonce="n", algorithm=MD5-sess', 'algorithm "MD5-sess" needs a qop and the challenge offers none (RFC 3261 §22.4)'],
  ])('refuses %s with a typed error naming why', (value, message) => {
    const r = chooseChallenge(parseChallenges([value]));
    expect('error' in r).toBe(true);
    if (!('error' in r)) return;
    expect(r.error).toBeInstanceOf(UnsupportedChallengeError);
    expect(r.error.code).toBe('ERR_AUTH_UNSUPPORTED');
    expect(r.error.message).toBe(message);
  });

  it('names every refused challenge when none can be answered', () => {
    const r = chooseChallenge(parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-1', 'Bearer realm="r"']));
    if (!('error' in r)) throw new Error('expected an error');
    expect(r.error.message).toBe(
      `no challenge can be answered: algorithm "SHA-1" is not supported (supported: ${ALL}); scheme "Bearer" is not supported (supported: Digest)`,
    );
    expect(r.error.refused.map((x) => x.scheme)).toEqual(['Digest', 'Bearer']);
  });

  it('restricts to the algorithms the credentials can answer', () => {
    const r = chooseChallenge(parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-256, qop=auth']), { algorithms: ['MD5', 'MD5-sess'] });
    if (!('error' in r)) throw new Error('expected an error');
    expect(r.error.message).toBe('algorithm "SHA-256" cannot be answered with the credentials given (usable: MD5, MD5-sess)');
  });
});

describe('chooseChallenges: one per realm', () => {
  it('answers each realm with its own topmost supported challenge', () => {
    const { choices, refused } = chooseChallenges(
      parseChallenges([
        'Digest realm="a", nonce="1", algorithm=SHA-256, qop=auth',
        'Digest realm="b", nonce="2", algorithm=SHA-1, qop=auth',
        'Digest realm="a", nonce="3", algorithm=MD5, qop=auth',
        'Digest realm="b", nonce="4", algorithm=MD5, qop=auth',
      ]),
    );
    expect(choices.map((c) => [c.challenge.realm, c.algorithm, c.challenge.nonce])).toEqual([
      ['a', 'SHA-256', '1'],
      ['b', 'MD5', '4'],
    ]);
    expect(refused).toHaveLength(1);
  });
});
