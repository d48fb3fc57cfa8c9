import { describe, expect, it } from 'vitest';
import { nextHop, routeOutOfDialog, withLr } from '../../src/engine/next-hop.js';

const base = { destination: { host: 'example.com', port: 5060 }, net: { transport: 'udp' } };

describe('nextHop (RFC 3261 §8.1.2)', () => {
  it('no route set: the destination, no Route, nothing to say', () => {
    expect(nextHop(base)).toEqual({ host: 'example.com', port: 5060, portExplicit: true, routeSet: [], strict: false, notes: [] });
  });

  it('--proxy without lr: lr is added and said; the request goes to the proxy', () => {
    const hop = nextHop({ ...base, route: { proxy: 'sip:127.0.0.1:5080', routes: [] } });
    expect(hop).toMatchObject({ host: '127.0.0.1', port: 5080, portExplicit: true, routeSet: ['<sip:127.0.0.1:5080;lr>'], strict: false });
    expect(hop.notes[0]).toMatch(/^--proxy sip:127\.0\.0\.1:5080 has no ;lr: sent as sip:127\.0\.0\.1:5080;lr/);
    expect(routeOutOfDialog(hop, 'sip:bob@example.com')).toEqual({ uri: 'sip:bob@example.com', routes: ['<sip:127.0.0.1:5080;lr>'] });
  });

  it('--proxy with lr: kept as given, no lr note', () => {
    const hop = nextHop({ ...base, route: { proxy: 'sip:proxy.example.net;lr', routes: [] } });
    expect(hop.routeSet).toEqual(['<sip:proxy.example.net;lr>']);
    expect(hop.notes.some((n) => n.includes('has no ;lr'))).toBe(false);
    // no port in the URI: the transport's default, and RFC 3263 may look up SRV
    expect(hop).toMatchObject({ host: 'proxy.example.net', port: 5060, portExplicit: false });
  });

  it('an IPv6 proxy: the host to connect to is bare, the Route keeps the brackets', () => {
    const hop = nextHop({ ...base, route: { proxy: 'sip:[::1]:5070;lr', routes: [] } });
    expect(hop).toMatchObject({ host: '::1', port: 5070, routeSet: ['<sip:[::1]:5070;lr>'] });
    expect(hop.notes[0]).toContain('[::1]:5070');
  });

  it('--proxy then --route: proxy first, routes in order; the request goes to the proxy', () => {
    const hop = nextHop({ ...base, route: { proxy: 'sip:a.example.com;lr', routes: ['sip:b.example.com;lr', 'sip:c.example.com:5090;lr'] } });
    expect(hop.routeSet).toEqual(['<sip:a.example.com;lr>', '<sip:b.example.com;lr>', '<sip:c.example.com:5090;lr>']);
    expect(hop.host).toBe('a.example.com');
  });

  it('a first route with ;transport=tcp and no port: 5060; sips: 5061 (RFC 3261 §19.1.2)', () => {
    expect(nextHop({ ...base, route: { routes: ['sip:p.example.com;transport=tcp;lr'] } }).port).toBe(5060);
    expect(nextHop({ ...base, route: { routes: ['sips:p.example.com;lr'] } }).port).toBe(5061);
    expect(nextHop({ ...base, net: { transport: 'tls' }, route: { routes: ['sip:p.example.com;lr'] } }).port).toBe(5061);
  });

  it('--route without lr first: a strict router (§12.2.1.1): Request-URI = the route, target last in Route', () => {
    const hop = nextHop({ ...base, route: { routes: ['sip:strict.example.com:5070', 'sip:loose.example.com;lr'] } });
    expect(hop).toMatchObject({ host: 'strict.example.com', port: 5070, strict: true });
    expect(hop.notes[0]).toMatch(/has no ;lr, so it is a strict router \(RFC 3261 §12\.2\.1\.1/);
    expect(routeOutOfDialog(hop, 'sip:bob@example.com')).toEqual({
      uri: 'sip:strict.example.com:5070',
      routes: ['<sip:loose.example.com;lr>', '<sip:bob@example.com>'],
    });
  });

  it('withLr keeps URI headers after the parameters', () => {
    expect(withLr('sip:p.example.com')).toBe('sip:p.example.com;lr');
    expect(withLr('sip:p.example.com;lr')).toBe('sip:p.example.com;lr');
    expect(withLr('sip:p.example.com;transport=tcp')).toBe('sip:p.example.com;transport=tcp;lr');
    expect(withLr('sip:p.example.com?X=1')).toBe('sip:p.example.com;lr?X=1');
  });
});

describe('nextHop without a route set', () => {
  it('keeps whether the destination named its port (RFC 3263 may choose it otherwise)', () => {
    expect(nextHop({ ...base, destination: { host: 'example.com', port: 5060, portExplicit: false } }).portExplicit).toBe(false);
  });
});
