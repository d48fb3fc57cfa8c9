import { describe, expect, it } from 'vitest';
import { familyOf, formatEndpoint, stripBrackets, toEndpoint } from '../../src/transport/endpoint.js';
import { TransportError, fromSystemError, transportError } from '../../src/transport/errors.js';

function sysError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} something`), { code });
}

describe('endpoints', () => {
  it('formats IPv4 as host:port and IPv6 in brackets (RFC 3261 §25.1 hostport)', () => {
    expect(formatEndpoint({ address: '127.0.0.1', port: 5060 })).toBe('127.0.0.1:5060');
    expect(formatEndpoint({ address: '::1', port: 5060 })).toBe('[::1]:5060');
    expect(formatEndpoint({ address: '[::1]', port: 5061 })).toBe('[::1]:5061');
  });

  it('knows the family of literals and strips brackets', () => {
    expect(familyOf('10.0.0.1')).toBe(4);
    expect(familyOf('[2001:db8::1]')).toBe(6);
    expect(familyOf('example.com')).toBeUndefined();
    expect(stripBrackets('[::1]')).toBe('::1');
    expect(toEndpoint('[::1]', 5060)).toEqual({ address: '::1', port: 5060, family: 6 });
    expect(() => toEndpoint('example.com', 5060)).toThrow(TypeError);
  });
});

describe('TransportError wording', () => {
  const remote = { address: '127.0.0.1', port: 5099 };

  it('says what ECONNREFUSED means on UDP and on TCP', () => {
    const udp = fromSystemError(sysError('ECONNREFUSED'), { transport: 'UDP', remote });
    expect(udp).toBeInstanceOf(TransportError);
    expect(udp.code).toBe('ECONNREFUSED');
    expect(udp.errno).toBe('ECONNREFUSED');
    expect(udp.message).toBe('ICMP port unreachable: nothing listens on 127.0.0.1:5099/udp');
    const tcp = fromSystemError(sysError('ECONNREFUSED'), { transport: 'TCP', remote });
    expect(tcp.message).toContain('connection refused: nothing listens on 127.0.0.1:5099/tcp');
  });

  it('maps host and network unreachable, naming the host', () => {
    const host = fromSystemError(sysError('EHOSTUNREACH'), { transport: 'UDP', remote: { address: '192.0.2.1', port: 5060 } });
    expect(host.code).toBe('EHOSTUNREACH');
    expect(host.message).toContain('no route to 192.0.2.1');
    const net = fromSystemError(sysError('ENETUNREACH'), { transport: 'TCP', remote: { address: '2001:db8::1', port: 5060 } });
    expect(net.code).toBe('ENETUNREACH');
    expect(net.message).toContain('2001:db8::1');
  });

  it('maps EMSGSIZE to MESSAGE_TOO_LARGE and unknown errors to UNKNOWN keeping errno', () => {
    expect(fromSystemError(sysError('EMSGSIZE'), { transport: 'UDP', remote }).code).toBe('MESSAGE_TOO_LARGE');
    const other = fromSystemError(sysError('EPROTO'), { transport: 'TCP', remote });
    expect(other.code).toBe('UNKNOWN');
    expect(other.errno).toBe('EPROTO');
    expect(other.message).toContain('EPROTO');
  });

  it('keeps a TransportError as it is, and carries transport, remote and cause', () => {
    const cause = sysError('ECONNRESET');
    const err = fromSystemError(cause, { transport: 'TCP', remote });
    expect(fromSystemError(err, { transport: 'UDP' })).toBe(err);
    expect(err.transport).toBe('TCP');
    expect(err.remote).toEqual(remote);
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('TransportError');
  });

  it('names a local address for bind errors', () => {
    const err = transportError('EADDRNOTAVAIL', { transport: 'UDP', local: { address: '192.0.2.9', port: 5060 } });
    expect(err.message).toBe('cannot use local address 192.0.2.9:5060/udp: it is not an address of this machine');
  });
});
