// OPTIONS and REGISTER over IPv6 [::1] to a real Kamailio (test/kamailio, started with
// ipv6: true), over UDP and TCP. Kamailio's digest realm there is "[::1]", brackets included
// (the To domain as written): sipcall answers it as it is. In process, --json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { finals, headerIn, notes, ofType, resultOf, runJson } from './kamailio-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

describe.skipIf(requirePeers('kamailio').skip)('Kamailio over [::1]', () => {
  let k: KamailioPeer;
  let v6: string;
  beforeAll(async () => {
    k = await startKamailio({ ipv6: true });
    v6 = `[::1]:${k.port}`;
  });
  afterAll(async () => {
    await k?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`OPTIONS over ${transport.toUpperCase()}: 200, Via sent-by in brackets, the answer came from [::1]`, async () => {
      const { code, events } = await runJson(['options', `sip:${v6}`, '--transport', transport, '-v']);
      expect(code, resultOf(events).summary).toBe(0);
      expect(finals(events, 'OPTIONS')).toEqual([200]);
      const out = ofType(events, 'wire').find((w) => w.direction === 'out')!.text;
      expect(out.split('\r\n')[0]).toBe(`OPTIONS sip:${v6} SIP/2.0`);
      expect(headerIn(out, 'Via')).toMatch(new RegExp(`^SIP/2\\.0/${transport.toUpperCase()} \\[::1\\]:\\d+;branch=z9hG4bK\\S+;rport$`));
      expect(headerIn(out, 'From')).toMatch(/^<sip:sipcall@\[::1\]>;tag=/);
      const res = ofType(events, 'response.received')[0]!;
      expect(res.from).toBe(v6);
      // Kamailio's Via: received= carries the address bare (RFC 5118 §4.5), rport our source port
      const back = ofType(events, 'wire').find((w) => w.direction === 'in')!.text;
      expect(headerIn(back, 'Via')).toMatch(/;rport=\d+;received=::1$/);
    });
  }

  it('REGISTER over UDP: 401 with realm "[::1]", answered, 200 with our bracketed Contact bound', async () => {
    const { code, events } = await runJson(['register', `alice@${v6}`, '--expires', '60', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'REGISTER')).toEqual([401, 200]);
    const regs = ofType(events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER'));
    expect(regs[0]!.text.split('\r\n')[0]).toBe(`REGISTER sip:${v6} SIP/2.0`);
    expect(headerIn(regs[0]!.text, 'Contact')).toMatch(/^<sip:alice@\[::1\]:\d+>$/);
    expect(headerIn(regs[0]!.text, 'To')).toBe(`<sip:alice@${v6}>`);
    expect(headerIn(regs[1]!.text, 'Authorization')).toMatch(/^Digest username="alice", realm="\[::1\]"/);
    expect(notes(events).some((n) => /answering realm "\[::1\]" in Authorization as user alice/.test(n))).toBe(true);
    expect(resultOf(events).summary).toMatch(/REGISTER: 200 OK, registered for 60 s/);
    expect(notes(events).some((n) => /sip:alice@\[::1\]:\d+ expires in 60 s \(ours\)/.test(n))).toBe(true);
  });

  it('REGISTER over TCP, then --unregister: the binding carries ;transport=tcp and is removed', async () => {
    const reg = await runJson(['register', `alice@${v6}`, '--transport', 'tcp', '--expires', '60', '-v'], PASSWORD);
    expect(reg.code, resultOf(reg.events).summary).toBe(0);
    const out = ofType(reg.events, 'wire').filter((w) => w.direction === 'out' && w.text.startsWith('REGISTER'));
    expect(headerIn(out[0]!.text, 'Contact')).toMatch(/^<sip:alice@\[::1\]:\d+;transport=tcp>$/);
    const un = await runJson(['register', `alice@${v6}`, '--transport', 'tcp', '--unregister'], PASSWORD);
    expect(un.code, resultOf(un.events).summary).toBe(0);
    expect(finals(un.events, 'REGISTER')).toEqual([401, 200]);
  });
});
