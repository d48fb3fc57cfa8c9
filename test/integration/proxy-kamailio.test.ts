// Outbound proxy and pre-existing route sets through a real Kamailio (test/kamailio) to SIPp:
// `--proxy` (RFC 3261 §8.1.2: the request goes to the proxy with Route: <proxy;lr>; `;lr` added
// and said), the dialog following Record-Route (§12.1.2), CANCEL with the INVITE's Route
// (§9.1), REGISTER through the proxy, `--route` with two hops (Kamailio, then SIPp), and a
// strict router (§12.2.1.1). The Request-URI's host is never Kamailio: only the Route sends
// the request there. In process (run(argv, fakeIo) with --json).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { startKamailio, type KamailioPeer } from '../support/peers/kamailio.js';
import { startSipp, type SippPeer } from '../support/peers/sipp.js';
import { finals, headerIn, notes, ofType, resultOf, runJson } from './kamailio-helpers.js';
import { parseSippLog, sippSequence, type LoggedMessage } from './uac-helpers.js';

usePeerCleanup();

const PASSWORD = { SIPCALL_PASSWORD: 'secret' };

/** Our requests as sent (`wire` out), by method. */
function wireOut(events: Parameters<typeof ofType>[0], method: string): string[] {
  return ofType(events, 'wire')
    .filter((w) => w.direction === 'out' && w.text.startsWith(`${method} `))
    .map((w) => w.text);
}

function requestLine(text: string): string {
  return text.split('\r\n')[0] ?? '';
}

function routesIn(text: string): string[] {
  return [...text.replace(/\r\n/g, '\n').matchAll(/^Route:\s*(.*)$/gim)].map((m) => m[1]!.trim());
}

/** Waits until Kamailio's log matches. */
async function kamailioLogged(k: KamailioPeer, re: RegExp, ms = 3000): Promise<string> {
  const deadline = Date.now() + ms;
  while (!re.test(k.log())) {
    if (Date.now() > deadline) throw new Error(`Kamailio never logged ${re}:\n${k.log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return re.exec(k.log())![0];
}

describe.skipIf(requirePeers('kamailio', 'sipp').skip)('--proxy and --route through Kamailio', () => {
  let k: KamailioPeer;
  const sipps: SippPeer[] = [];
  beforeAll(async () => {
    k = await startKamailio();
  });
  afterEach(async () => {
    await Promise.all(sipps.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await k?.stop();
  });
  async function uas(scenario: string): Promise<SippPeer> {
    const s = await startSipp({ scenario });
    sipps.push(s);
    return s;
  }

  it('--proxy without ;lr: INVITE to the proxy with Route <proxy;lr>, relayed by R-URI; ACK and BYE follow Record-Route', async () => {
    const s = await uas('uas-full.xml');
    const target = `sip:port-${s.port}@127.0.0.1:${s.port}`;
    const { code, events } = await runJson(['invite', '--no-media', target, '--proxy', `sip:${k.hostPort}`, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'INVITE')).toEqual([407, 200]);
    expect(notes(events)).toContain(`--proxy sip:${k.hostPort} has no ;lr: sent as sip:${k.hostPort};lr, a loose router (RFC 3261 §8.1.2 and §16.12; an outbound proxy is expected to loose-route)`);
    // every request went to the proxy, none to the Request-URI's host:port
    for (const e of ofType(events, 'request.sent')) expect(e.to).toBe(k.hostPort);

    const invites = wireOut(events, 'INVITE');
    expect(invites).toHaveLength(2);
    for (const inv of invites) {
      expect(requestLine(inv)).toBe(`INVITE ${target} SIP/2.0`);
      expect(routesIn(inv)).toEqual([`<sip:${k.hostPort};lr>`]);
    }
    // Kamailio saw the Route and removed its own (loose_route, RFC 3261 §16.4)
    await kamailioLogged(k, new RegExp(`initial INVITE ${target.replace(/[.]/g, '\\.')} with Route: <sip:127\\.0\\.0\\.1:${k.port};lr>`));

    const msgs = parseSippLog(await s.messageLog(/BYE/));
    const got = msgs.filter((m) => m.direction === 'received');
    const invite = got.find((m) => m.method === 'INVITE')!;
    expect(invite.uri).toBe(target);
    expect(invite.headers('Route')).toEqual([]);
    expect(invite.headers('Via')).toHaveLength(2); // Kamailio's Via on top of ours
    const rr = invite.header('Record-Route') ?? '';
    expect(rr).toMatch(new RegExp(`^<sip:127\\.0\\.0\\.1:${k.port};lr`));

    // the dialog's route set is the Record-Route: ACK and BYE carry it and reach SIPp via Kamailio
    const ack = wireOut(events, 'ACK').find((t) => /CSeq: 2 ACK/.test(t))!;
    const bye = wireOut(events, 'BYE')[0]!;
    expect(routesIn(ack)).toEqual([rr]);
    expect(routesIn(bye)).toEqual([rr]);
    for (const name of ['ACK', 'BYE']) {
      const m = got.find((x: LoggedMessage) => x.method === name)!;
      expect(m, name).toBeDefined();
      expect(m.headers('Via'), name).toHaveLength(2);
    }
    expect(finals(events, 'BYE')).toEqual([200]);
  });

  it('CANCEL after the ring timeout carries the INVITE\'s Route (RFC 3261 §9.1) and reaches the callee through the proxy', async () => {
    const s = await uas('uas-ring-cancel.xml');
    const target = `sip:port-${s.port}@127.0.0.1:${s.port}`;
    const { code, events } = await runJson(['invite', '--no-media', target, '--proxy', `sip:${k.hostPort};lr`, '--user', 'alice', '--ring-timeout', '1', '--t1', '100', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(3);
    expect(notes(events).some((n) => n.includes('has no ;lr'))).toBe(false);
    const invite = wireOut(events, 'INVITE').at(-1)!;
    const cancel = wireOut(events, 'CANCEL')[0]!;
    expect(requestLine(cancel)).toBe(`CANCEL ${target} SIP/2.0`);
    expect(routesIn(cancel)).toEqual(routesIn(invite));
    expect(routesIn(cancel)).toEqual([`<sip:${k.hostPort};lr>`]);
    expect(finals(events, 'INVITE')).toEqual([407, 487]);
    const msgs = parseSippLog(await s.messageLog(/CANCEL/));
    expect(msgs.some((m) => m.direction === 'received' && m.method === 'CANCEL')).toBe(true);
  });

  it('REGISTER with --proxy: Request-URI is the domain, Route the proxy; 401 answered, 200', async () => {
    const { code, events } = await runJson(['register', 'carol@127.0.0.1', '--proxy', `sip:${k.hostPort};lr`, '--expires', '60', '-v'], { SIPCALL_PASSWORD: 'wonderland' });
    expect(code, resultOf(events).summary).toBe(0);
    expect(finals(events, 'REGISTER')).toEqual([401, 200]);
    for (const e of ofType(events, 'request.sent')) expect(e.to).toBe(k.hostPort);
    for (const reg of wireOut(events, 'REGISTER')) {
      expect(requestLine(reg)).toBe('REGISTER sip:127.0.0.1 SIP/2.0');
      expect(routesIn(reg)).toEqual([`<sip:${k.hostPort};lr>`]);
    }
    await kamailioLogged(k, /initial REGISTER sip:127\.0\.0\.1 with Route: <sip:127\.0\.0\.1:\d+;lr>/);
  });

  it('--route twice (Kamailio, then SIPp): Kamailio pops its Route and relays to the next one', async () => {
    const s = await uas('uas-full.xml');
    const target = `sip:bob@127.0.0.1:${s.port}`;
    const routes = [`sip:${k.hostPort};lr`, `sip:${s.hostPort};lr`];
    const { code, events } = await runJson(['invite', '--no-media', target, '--route', routes[0]!, '--route', routes[1]!, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(0);
    for (const e of ofType(events, 'request.sent')) expect(e.to).toBe(k.hostPort);
    const invite = wireOut(events, 'INVITE').at(-1)!;
    expect(requestLine(invite)).toBe(`INVITE ${target} SIP/2.0`);
    expect(routesIn(invite)).toEqual(routes.map((r) => `<${r}>`));
    expect(notes(events)).toContain(`sending to the first route ${k.hostPort} with 2 Route headers (RFC 3261 §8.1.2), not to the Request-URI's host`);
    await kamailioLogged(k, new RegExp(`preloaded route: INVITE to sip:127\\.0\\.0\\.1:${s.port};lr`));

    const msgs = parseSippLog(await s.messageLog(/BYE/));
    expect(sippSequence(msgs)).toEqual(['→ INVITE', '← 100 INVITE', '← 180 INVITE', '← 200 INVITE', '→ ACK', '→ BYE', '← 200 BYE']);
    const got = msgs[0]!;
    expect(got.uri).toBe(target);
    expect(got.headers('Route')).toEqual([`<sip:${s.hostPort};lr>`]); // the rest of the route set
    expect(got.headers('Via')).toHaveLength(2);
  });

  it('--route without ;lr is a strict router (RFC 3261 §12.2.1.1): it is the Request-URI, the target the last Route', async () => {
    const s = await uas('uas-full.xml');
    const target = `sip:port-${s.port}@127.0.0.1:${s.port}`;
    const { code, events } = await runJson(['invite', '--no-media', target, '--route', `sip:${k.hostPort}`, '--user', 'alice', '--duration', '0', '-v'], PASSWORD);
    expect(code, resultOf(events).summary).toBe(0);
    expect(notes(events).some((n) => n.startsWith(`the first route sip:${k.hostPort} has no ;lr, so it is a strict router`))).toBe(true);
    const invite = wireOut(events, 'INVITE')[0]!;
    expect(requestLine(invite)).toBe(`INVITE sip:${k.hostPort} SIP/2.0`);
    expect(routesIn(invite)).toEqual([`<${target}>`]);
    expect(headerIn(invite, 'To')).toBe(`<${target}>`);
    // Kamailio put the last Route back into the Request-URI (§16.4) and relayed it
    const msgs = parseSippLog(await s.messageLog(/BYE/));
    const got = msgs.find((m) => m.direction === 'received' && m.method === 'INVITE')!;
    expect(got.uri).toBe(target);
    expect(got.headers('Route')).not.toContain(`<${target}>`);
  });
});
