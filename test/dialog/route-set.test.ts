import { describe, expect, it } from 'vitest';
import { asRequestUri, isLooseRouter, routeRequest } from '../../src/dialog/route-set.js';

describe('isLooseRouter (RFC 3261 §19.1.1 lr)', () => {
  it.each([
    ['<sip:p.example.com;lr>', true],
    ['sip:p.example.com;lr', true],
    ['<sip:p.example.com;transport=tcp;lr=on>', true],
    ['<sip:[::1]:5080;lr>;foo=bar', true],
    ['<sip:p.example.com>', false],
    ['sip:p.example.com', false],
    ['<sip:p.example.com>;lr', false], // a header parameter, not a URI parameter
    ['<sip:lr.example.com;maddr=10.0.0.1>', false],
  ])('%s → %s', (route, loose) => {
    expect(isLooseRouter(route)).toBe(loose);
  });
});

describe('routeRequest (RFC 3261 §12.2.1.1, §8.1.1.1)', () => {
  const target = 'sip:bob@example.com';

  it('an empty route set: the remote target is the Request-URI, no Route', () => {
    expect(routeRequest(target, [])).toEqual({ uri: target, routes: [] });
  });

  it('a loose first route: the target stays the Request-URI, every route goes in Route, in order', () => {
    expect(routeRequest(target, ['sip:p1.example.com;lr', '<sip:[::1]:5080;lr>'])).toEqual({
      uri: target,
      routes: ['<sip:p1.example.com;lr>', '<sip:[::1]:5080;lr>'],
    });
  });

  it('a strict first route: it becomes the Request-URI, the rest follow, the target goes last', () => {
    expect(routeRequest(target, ['<sip:strict.example.com;transport=tcp>', '<sip:p2.example.com;lr>'])).toEqual({
      uri: 'sip:strict.example.com;transport=tcp',
      routes: ['<sip:p2.example.com;lr>', `<${target}>`],
    });
  });

  it('strips what a Request-URI may not carry (method, headers: §19.1.1 table) from a strict route', () => {
    expect(asRequestUri('sip:s.example.com;method=INVITE;transport=udp?Subject=x')).toBe('sip:s.example.com;transport=udp');
    expect(routeRequest(target, ['<sip:s.example.com;method=INVITE>']).uri).toBe('sip:s.example.com');
    expect(asRequestUri('sip:[::1]:5060;transport=tcp')).toBe('sip:[::1]:5060;transport=tcp');
  });
});
