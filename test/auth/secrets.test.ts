import { inspect } from 'node:util';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError, DigestSession, computeCredentials, parseChallenges } from '../../src/auth/index.js';

/** Everything a caller could print: results, errors (message, stack, JSON), the session itself. */
function texts(values: unknown[]): string {
  return values
    .map((v) => {
      if (v instanceof Error) return `${v.message}\n${v.stack ?? ''}\n${JSON.stringify(v)}\n${inspect(v)}`;
      return `${JSON.stringify(v)}\n${inspect(v, { showHidden: true, depth: null })}`;
    })
    .join('\n');
}

function caught(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return e;
  }
}

describe('secrets never appear in any output', () => {
  const password = 'Pa§§-w0rd "quoted"';
  const ha1 = createHash('sha256').update(`alice:r:${password}`).digest('hex');
  const md5Ha1 = createHash('md5').update(`alice:r:${password}`).digest('hex');

  it('not in headers, results, errors, nor the session object', () => {
    const out: unknown[] = [];
    for (const credentials of [{ username: 'alice', password }, { username: 'alice', ha1 }, { username: 'alice', ha1: md5Ha1 }]) {
      const s = new DigestSession(credentials);
      out.push(s);
      out.push(s.respond({ status: 401, wwwAuthenticate: ['Digest realm="r", nonce="n1", algorithm=SHA-256, qop=auth', 'Digest realm="r", nonce="n1", qop=auth'] }, { method: 'INVITE', uri: 'sip:b@r' }));
      out.push(s.respond({ status: 401, wwwAuthenticate: ['Digest realm="r", nonce="n2", qop=auth, stale=true'] }, { method: 'INVITE', uri: 'sip:b@r' }));
      out.push(s.respond({ status: 401, wwwAuthenticate: ['Digest realm="r", nonce="n3", qop=auth'] }, { method: 'INVITE', uri: 'sip:b@r' }));
      out.push(s.respond({ status: 401, wwwAuthenticate: ['Digest realm="r", nonce="n", algorithm=SHA-1'] }, { method: 'INVITE', uri: 'sip:b@r' }));
      out.push(s.authorize({ method: 'BYE', uri: 'sip:b@r' }));
      out.push(s);
    }
    const c = parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-256, qop=auth'])[0];
    out.push(computeCredentials({ challenge: c, method: 'BYE', uri: 'sip:b@r', username: 'alice', password, nc: 1 }));
    out.push(computeCredentials({ challenge: c, method: 'BYE', uri: 'sip:b@r', username: 'alice', ha1, nc: 1 }));
    const wrongSize = caught(() => computeCredentials({ challenge: c, method: 'BYE', uri: 'sip:b@r', username: 'alice', ha1: md5Ha1, nc: 1 }));
    expect(wrongSize).toBeInstanceOf(AuthError);
    out.push(wrongSize);
    out.push(caught(() => new DigestSession({ username: 'alice', ha1: `${password}` })));
    out.push(caught(() => computeCredentials({ challenge: c, method: 'BYE', uri: 'sip:b\r\n@r', username: 'alice', password, nc: 1 })));
    out.push(caught(() => computeCredentials({ challenge: c, method: 'BYE', uri: 'sip:b@r', username: 'alice', password, nc: 0 })));

    const all = texts(out);
    expect(all).toContain('Digest username="alice"'); // the search is looking at real output
    for (const secret of [password, 'Pa§§', ha1, md5Ha1]) expect(all).not.toContain(secret);
  });

  it('for any password, the header holds only hashes', () => {
    const c = parseChallenges(['Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-512-256-sess, opaque="o"'])[0];
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (tail) => {
        const pw = `§${tail}`;
        const r = computeCredentials({ challenge: c, method: 'OPTIONS', uri: 'sip:r', username: 'u', password: pw, nc: 7 });
        expect(`${JSON.stringify(r)}${r.header}`).not.toContain(pw);
      }),
    );
  });
});
