import { describe, expect, it } from 'vitest';
import { contactFor, viaFor, webSocketHost } from '../../src/engine/transport-identity.js';
import { defaultWsUrl, tlsServerName, transportNameOf } from '../../src/engine/open-transport.js';

const fixed = (n: number) => new Uint8Array(n).map((_, i) => i * 7);

describe('Via and Contact per transport', () => {
  it('WebSocket: a random .invalid sent-by without a port (RFC 7118 §5.2), Contact ;transport=ws', () => {
    const host = webSocketHost({ name: 'WSS' }, fixed)!;
    expect(host).toMatch(/^[a-z0-9]{12}\.invalid$/);
    expect(webSocketHost({ name: 'WS' })).not.toBe(webSocketHost({ name: 'WS' }));
    expect(webSocketHost({ name: 'TLS' })).toBeUndefined();
    expect(viaFor({ name: 'WSS' }, host, 40000, 'z9hG4bKx')).toBe(`SIP/2.0/WSS ${host};branch=z9hG4bKx;rport`);
    expect(viaFor({ name: 'WS' }, host, 40000, 'z9hG4bKx')).toBe(`SIP/2.0/WS ${host};branch=z9hG4bKx;rport`);
    expect(contactFor({ name: 'WSS' }, { scheme: 'sip' }, 'alice', host, 40000)).toBe(`sip:alice@${host};transport=ws`);
  });

  it('TLS: Via TLS host:port; sips target → sips Contact (RFC 3261 §8.1.1.8), sip target → ;transport=tls', () => {
    expect(viaFor({ name: 'TLS' }, '127.0.0.1', 40000, 'z9hG4bKx')).toBe('SIP/2.0/TLS 127.0.0.1:40000;branch=z9hG4bKx;rport');
    expect(contactFor({ name: 'TLS' }, { scheme: 'sips' }, 'alice', '127.0.0.1', 40000)).toBe('sips:alice@127.0.0.1:40000');
    expect(contactFor({ name: 'TLS' }, { scheme: 'sip' }, 'alice', '127.0.0.1', 40000)).toBe('sip:alice@127.0.0.1:40000;transport=tls');
  });

  it('UDP and TCP as before', () => {
    expect(contactFor({ name: 'UDP' }, { scheme: 'sip' }, 'sipcall', '[::1]', 5070)).toBe('sip:sipcall@[::1]:5070');
    expect(contactFor({ name: 'TCP' }, { scheme: 'sip' }, 'sipcall', '127.0.0.1', 5070)).toBe('sip:sipcall@127.0.0.1:5070;transport=tcp');
    expect(viaFor({ name: 'UDP' }, '127.0.0.1', 5070, 'z9hG4bKx')).toBe('SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx;rport');
  });

  it('transport names and the default WebSocket URL', () => {
    expect(['udp', 'tcp', 'tls', 'ws', 'wss'].map((t) => transportNameOf(t as never))).toEqual(['UDP', 'TCP', 'TLS', 'WS', 'WSS']);
    expect(defaultWsUrl(false, '127.0.0.1', 5060)).toBe('ws://127.0.0.1:5060/');
    expect(defaultWsUrl(true, '::1', 5061)).toBe('wss://[::1]:5061/');
  });
});

describe('the TLS server name (SNI, RFC 5922 §7.2)', () => {
  const base = { destination: { host: 'sip.example.com', port: 5061 }, net: { transport: 'tls' } } as never as import('../../src/engine/plan.js').UacPlan;
  const withNet = (net: object, host = 'sip.example.com') => ({ ...base, destination: { host, port: 5061 }, net: { ...base.net, ...net } }) as typeof base;

  it('the host asked for, also when the CLI did not choose TLS (RFC 3263 may)', () => {
    expect(tlsServerName(withNet({}))).toBe('sip.example.com');
    expect(tlsServerName(withNet({}, '127.0.0.1'))).toBeUndefined();
    expect(tlsServerName(withNet({}, '::1'))).toBeUndefined();
  });

  it('what the CLI chose wins; a --ws-url host is named by the URL, not the target', () => {
    expect(tlsServerName(withNet({ tls: { insecure: false, servername: 'edge.example.net' } }))).toBe('edge.example.net');
    expect(tlsServerName(withNet({ wsUrl: 'wss://127.0.0.1/', tls: { insecure: false } }))).toBeUndefined();
  });
});
