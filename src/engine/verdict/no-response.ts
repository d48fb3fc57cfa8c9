import type { Cause } from './cause.js';
import { count, at, times } from './format.js';
import { NOTE_CODE } from './codes.js';

/**
 * `no-response`: nothing at all came back — no response, no ICMP error, nothing unparseable —
 * and the client transaction gave up at Timer B or F (RFC 3261 §17.1.1.2: "If the client
 * transaction is still in the "Calling" state when timer B fires, the client transaction SHOULD
 * inform the TU that a timeout has occurred"; §17.1.2.2 likewise for Timer F).
 */
export const noResponse: Cause = ({ facts, plan }) => {
  const main = facts.main;
  if (!main || main.terminated?.outcome !== 'timeout') return undefined;
  if (main.responses.length || facts.strays.length || facts.invalid.length || facts.transportErrors.length) return undefined;
  const sends = main.sends;
  const timer = main.method === 'INVITE' ? 'B' : 'F';
  const fired = main.timersFired.find((x) => x.timer === timer);
  const transport = facts.transport ?? 'UDP';
  const end = fired?.t ?? main.terminated.t;
  const evidence = [
    `${count(sends.length, `${main.method} send`)} to ${facts.target} over ${transport} at ${times(sends.map((s) => s.t))}`,
    `Timer ${timer} fired at ${at(end)}: the request ended with a local ${main.terminated.status ?? 408} (made up by sipcall, not from the peer)`,
    transport === 'UDP'
      ? `nothing came back: no response, no ICMP error, no unparseable bytes${plan ? ' (also none at the port in our Via)' : ''}`
      : 'the TCP connection was accepted, but no response came on it',
  ];
  if (facts.notes.some((n) => n.code === NOTE_CODE.oversizeUdp)) evidence.push('the request was over 1300 bytes on UDP (see oversize-udp)');
  return {
    id: 'no-response',
    text: transport === 'UDP' ? `${facts.target} never answered: ${count(sends.length, 'send')} over ${at(end)}, not one reply` : `${facts.target} accepted the TCP connection but never answered the ${main.method}`,
    evidence,
    next:
      transport === 'UDP'
        ? [
            'is the host up and the address right? A silent drop (no ICMP) usually means a firewall that DROPs, or a host that is down',
            'is the server listening on this port over UDP? Try TCP: sipcall diagnose shows UDP and TCP side by side',
            'a server may ignore requests it does not like (unknown domain, blocked User-Agent or source address): check its log',
            'answers from another address or port would have been seen (sipcall also listens unconnected on its source port and its Via port): if the server says it answered, a NAT or firewall on the way dropped it; capture with tcpdump to check',
          ]
        : ['something accepts TCP on that port but does not answer SIP: is it a SIP server? check its log'],
  };
};
