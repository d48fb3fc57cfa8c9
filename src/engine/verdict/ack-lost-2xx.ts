import type { Cause } from './cause.js';
import { RESENT_FINALS_FOR_ACK_LOST } from './ack-lost-non2xx.js';
import { at, count, hostOf, portOf, times } from './format.js';

/** RFC 1918, RFC 6598 (CGNAT), link-local, and IPv6 ULA/link-local addresses. */
export function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
  }
  return /^f[cd][0-9a-f]{2}:/.test(h) || h.startsWith('fe80:');
}

/** `host:port` of a SIP URI (default port 5060). */
function uriHostPort(uri: string): { host: string; port: number } | undefined {
  const m = /^sips?:(?:[^@;>]*@)?(\[[^\]]+\]|[^:;>?]+)(?::(\d+))?/i.exec(uri.replace(/^<|>$/g, ''));
  return m ? { host: m[1]!, port: m[2] ? Number(m[2]) : 5060 } : undefined;
}

/**
 * `ack-lost-2xx`: the peer keeps re-sending its 2xx. The UAS core re-sends a 2xx "until it
 * receives an ACK" (RFC 3261 §13.3.1.4); the ACK for a 2xx is a new transaction sent to the
 * remote target (the Contact of the 2xx) through the route set (Record-Route), §13.2.2.4 and
 * §12.1.2. Copies that keep coming mean our ACKs are not arriving there.
 */
export const ackLost2xx: Cause = ({ facts }) => {
  const main = facts.main;
  if (!main || main.method !== 'INVITE') return undefined;
  const oks = main.responses.filter((r) => r.status >= 200 && r.status < 300);
  const first = oks.find((r) => !r.retransmission);
  if (!first) return undefined;
  const late = facts.strays.filter((s) => s.status >= 200 && s.status < 300 && s.callId === first.callId && /INVITE/i.test(s.cseq ?? ''));
  const copies = [...oks.filter((r) => r.retransmission).map((r) => r.t), ...late.map((s) => s.t)];
  if (copies.length < RESENT_FINALS_FOR_ACK_LOST) return undefined;
  const dialog = facts.dialogs[0];
  const acks = facts.acks.filter((a) => a.branch !== main.branch);
  const ackTo = acks[0]?.to ?? facts.target ?? '?';
  const contact = dialog?.remoteTarget;
  const routes = dialog?.routeSet ?? [];
  const evidence = [
    `${first.status} ${first.reason} from ${first.from} at ${at(first.t)}, re-sent ${count(copies.length, 'time')} (at ${times(copies)})`,
    `the 2xx's Contact (remote target): ${contact ?? '(none)'}; route set: ${routes.length ? routes.join(', ') : '(empty: no Record-Route)'}`,
    `our ACK sent ${count(acks.length, 'time')} to ${ackTo}${acks.length ? ` at ${times(acks.map((a) => a.t))}` : ''}`,
  ];
  const culprits: string[] = [];
  const c = contact ? uriHostPort(contact) : undefined;
  const target = facts.target ?? '';
  if (c && isPrivateHost(c.host) && !isPrivateHost(hostOf(target))) {
    culprits.push(`the Contact has a private address (${c.host}) while the peer is reached at ${target}: a UA behind NAT that does not fix its Contact; an ACK routed by it goes nowhere`);
  }
  if (c && `${c.host}:${c.port}` !== first.from) {
    if (c.host === hostOf(first.from) && c.port !== portOf(first.from)) culprits.push(`the Contact names port ${c.port}, but the 2xx came from port ${portOf(first.from)}: a wrong port in Contact`);
    else if (c.host !== hostOf(first.from)) culprits.push(`the Contact (${c.host}:${c.port}) is not where the 2xx came from (${first.from})`);
  }
  if (routes.length === 0 && first.from !== target) culprits.push(`the 2xx came from ${first.from}, not from ${target}, and has no Record-Route: a proxy in the path that does not Record-Route loses the ACK`);
  if (routes.length === 0 && c && `${c.host}:${c.port}` !== ackTo) culprits.push(`sipcall sends the whole run over one socket to ${ackTo}; a peer that expects the ACK at its Contact ${c.host}:${c.port} needs a proxy there that Record-Routes`);
  evidence.push(...culprits.map((x) => `likely culprit: ${x}`));
  return {
    id: 'ack-lost-2xx',
    text: `${first.from} keeps re-sending ${first.status} ${first.reason}: our ACK is not arriving`,
    evidence,
    next: [
      'the ACK for a 2xx goes to the Contact of the 2xx through the Record-Route set (RFC 3261 §13.2.2.4): check that both name an address and port reachable from here',
      'a private address or a wrong port in Contact is the usual culprit (a UA behind NAT); a proxy that forwards the INVITE without Record-Route is the next',
      'the peer will give up and usually send BYE after 64·T1 (32 s)',
    ],
  };
};
