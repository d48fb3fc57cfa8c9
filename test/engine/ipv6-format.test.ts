// Where sipcall writes its own address: a URI or Via wants an IPv6 *reference* in brackets
// (RFC 3261 §25.1 `IPv6reference = "[" IPv6address "]"`, RFC 5118 §4.1/§4.2), SDP wants the
// bare *address* (RFC 4566 §5.7 `c=IN IP6 <unicast-address>`). Checked on the pure builders and
// on a real UAC context bound to [::1] (UDP and TCP, loopback only).
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { buildUacPlan } from '../../src/cli/build-plan.js';
import { SystemClock } from '../../src/clock/system-clock.js';
import { buildOffer as sdpOffer } from '../../src/media/sdp-offer.js';
import { openUacContext, type UacContext } from '../../src/engine/uac-context.js';
import { viaValue } from '../../src/sip/build-request.js';

describe('pure builders', () => {
  it('Via sent-by brackets an IPv6 address, given bare or bracketed; IPv4 and names as they are', () => {
    expect(viaValue('UDP', '::1', 5060, 'z9hG4bKa')).toBe('SIP/2.0/UDP [::1]:5060;branch=z9hG4bKa;rport');
    expect(viaValue('TCP', '[2001:db8::1]', 5070, 'z9hG4bKb')).toBe('SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bKb;rport');
    expect(viaValue('UDP', '127.0.0.1', 5060, 'z9hG4bKc')).toBe('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKc;rport');
  });

  it('SDP o= and c= name IP6 and the bare address', () => {
    const sdp = sdpOffer({ address: '::1', port: 40000, sessionId: '1' });
    expect(sdp).toContain('o=sipcall 1 1 IN IP6 ::1\r\n');
    expect(sdp).toContain('c=IN IP6 ::1\r\n');
    expect(sdp).not.toContain('[');
    expect(sdpOffer({ address: '127.0.0.1', port: 40000, sessionId: '1' })).toContain('c=IN IP4 127.0.0.1\r\n');
  });
});

describe('a UAC context on [::1]', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function context(args: string[], flags: Record<string, unknown> = {}): Promise<UacContext> {
    const plan = buildUacPlan({ name: 'options', args, flags: { header: [], ...flags } }, () => Buffer.alloc(0));
    const ctx = await openUacContext(plan, { clock: new SystemClock(), sink: () => {} });
    closers.push(() => ctx.session.close());
    return ctx;
  }

  it('over UDP: Via, Contact and From carry [::1]', async () => {
    const peer = dgram.createSocket('udp6');
    peer.bind(0, '::1');
    await once(peer, 'listening');
    closers.push(() => new Promise<void>((r) => peer.close(() => r())));
    const ctx = await context([`sip:bob@[::1]:${peer.address().port}`]);
    expect(ctx.localHost).toBe('[::1]');
    expect(ctx.via().value).toMatch(/^SIP\/2\.0\/UDP \[::1\]:\d+;branch=z9hG4bK\w+;rport$/);
    expect(ctx.contactUri()).toMatch(/^sip:sipcall@\[::1\]:\d+$/);
    expect(ctx.from).toMatch(/^<sip:sipcall@\[::1\]>;tag=\w+$/);
    expect(ctx.to).toBe(`<sip:bob@[::1]:${peer.address().port}>`);
    expect(ctx.session.peer).toBe(`[::1]:${peer.address().port}`);
  });

  it('over TCP: the same, with ;transport=tcp in Contact', async () => {
    const server = net.createServer((s) => s.on('error', () => {}));
    server.listen(0, '::1');
    await once(server, 'listening');
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as net.AddressInfo).port;
    const ctx = await context([`sip:bob@[::1]:${port};transport=tcp`]);
    expect(ctx.via().value).toMatch(/^SIP\/2\.0\/TCP \[::1\]:\d+;branch=z9hG4bK\w+;rport$/);
    expect(ctx.contactUri()).toMatch(/^sip:sipcall@\[::1\]:\d+;transport=tcp$/);
  });

  it('--proxy [::1]: the socket goes to the proxy; Route keeps the brackets, the Request-URI is the target', async () => {
    const proxy = dgram.createSocket('udp6');
    proxy.bind(0, '::1');
    await once(proxy, 'listening');
    closers.push(() => new Promise<void>((r) => proxy.close(() => r())));
    const port = proxy.address().port;
    const ctx = await context(['sip:bob@example.com'], { proxy: `sip:[::1]:${port}`, ipv6: true });
    expect(ctx.session.peer).toBe(`[::1]:${port}`);
    expect(ctx.route('sip:bob@example.com')).toEqual({ uri: 'sip:bob@example.com', routes: [`<sip:[::1]:${port};lr>`] });
  });
});
