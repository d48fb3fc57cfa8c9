import { describe, expect, it } from 'vitest';
import { interpolate, interpolateDeep, UnknownVariable } from '../../src/testfile/interpolate.js';
import { MASK, Secrets } from '../../src/testfile/secrets.js';

describe('variables', () => {
  it('fills ${name} and ${env.NAME}, and remembers env values as secrets', () => {
    const secrets = new Secrets();
    const scope = { vars: { pbx: '127.0.0.1:5080' }, env: { PW: 's3cret' }, secrets };
    expect(interpolate('sip:alice@${pbx};pw=${env.PW}', scope)).toBe('sip:alice@127.0.0.1:5080;pw=s3cret');
    expect(secrets.mask('Authorization: s3cret and s3cret')).toBe(`Authorization: ${MASK} and ${MASK}`);
    expect(interpolateDeep({ a: ['${pbx}'], n: 3, b: true }, scope)).toEqual({ a: ['127.0.0.1:5080'], n: 3, b: true });
  });

  it('throws for an unknown variable or an unset environment variable', () => {
    const scope = { vars: {}, env: {}, secrets: new Secrets() };
    expect(() => interpolate('${x}', scope)).toThrow(UnknownVariable);
    expect(() => interpolate('${env.X}', scope)).toThrow(/environment variable X is not set/);
  });

  it('masks the longest secret first and regex characters literally', () => {
    const s = new Secrets();
    s.add('a.b');
    s.add('a.b.c+');
    expect(s.mask('x a.b.c+ y a.b z axb')).toBe(`x ${MASK} y ${MASK} z axb`);
  });
});
