import type { TransportErrorEvent, Verdict } from '../../events/types.js';
import type { Cause } from './cause.js';
import { isIcmpError } from './facts.js';
import { at } from './format.js';
import { tlsFailed } from './tls-failed.js';

/**
 * A transport that failed outright, before or while a request was on its way: `dns-failed`,
 * `tcp-refused`, `tcp-reset`, `tcp-timeout`, `tcp-closed`, `tls-failed`, `local-address`,
 * `message-too-large`. ICMP errors on UDP are `icmp-unreachable` (icmp-unreachable.ts).
 * RFC 3261 §18.4: "the transport user SHOULD be notified of … ICMP errors, … connection
 * failures"; §8.1.3.1 then has the UAC treat a transport failure like a 503.
 */
export const transportFailed: Cause = ({ facts }) => {
  const e = facts.transportErrors.find((x) => !isIcmpError(x));
  if (!e) return undefined;
  const sends = facts.main?.sends.length ?? 0;
  const when = `${e.transport} to ${e.to}: ${e.code} at ${at(e.t)}${sends ? ` (after ${sends} send${sends === 1 ? '' : 's'})` : ', before anything was sent'}`;
  const evidence = [when, `in words: ${e.message}`];
  const local = 'sipcall ended the request with a local 503 (made up by sipcall, not from the peer; RFC 3261 §8.1.3.1)';
  if (e.code === 'MESSAGE_TOO_LARGE') return tooLarge(e, evidence, facts.main?.sends.at(-1)?.bytes, local);
  return tlsFailed(e, evidence, sends) ?? describe(e, evidence, local);
};

/**
 * `message-too-large`, told by the transport: on UDP it is our request that does not fit in one
 * datagram (RFC 3261 §18.1.1 sends such requests over TCP); on a stream (TCP, TLS, WS) it is a
 * message from the peer, larger than sipcall accepts, and the connection was closed.
 */
function tooLarge(e: TransportErrorEvent, evidence: string[], requestBytes: number | undefined, local: string): Verdict {
  const sent = requestBytes !== undefined ? `our request was ${requestBytes} bytes` : undefined;
  if (e.transport === 'UDP') {
    return {
      id: 'message-too-large',
      text: `the request${requestBytes !== undefined ? ` (${requestBytes} bytes)` : ''} is larger than one UDP datagram can carry`,
      evidence,
      next: ['send it over TCP (--transport tcp), or make the body smaller'],
    };
  }
  return {
    id: 'message-too-large',
    text: `${e.to} sent a message larger than sipcall accepts on ${e.transport}, so the connection was closed`,
    evidence: [...evidence, ...(sent ? [`${sent}: the size limit was broken by what came back, not by what we sent`] : []), local],
    next: [
      'a response this large is not a normal SIP answer: the peer may be broken, or not a SIP server (look at what it sends with --pcap)',
      'sipcall accepts up to 1 MiB per message on a stream',
    ],
  };
}

function describe(e: TransportErrorEvent, evidence: string[], local: string): Verdict | undefined {
  const host = e.to.replace(/:\d+$/, '');
  if (e.code === 'DNS') {
    return {
      id: 'dns-failed',
      text: `the name ${host} could not be resolved to an address`,
      evidence,
      next: [
        `check the spelling of ${host}; names under .invalid never resolve (RFC 6761)`,
        `ask the resolver directly: getent hosts ${host} (or dig ${host})`,
        'check /etc/resolv.conf and the search domains, or give an IP address instead',
      ],
    };
  }
  // TLS, WS and WSS run over TCP: a refused, reset or silent connection reads the same.
  if (e.transport === 'TCP' || e.transport === 'TLS' || e.transport === 'WS' || e.transport === 'WSS') {
    switch (e.code) {
      case 'ECONNREFUSED':
        return {
          id: 'tcp-refused',
          text: `nothing accepts TCP connections on ${e.to}: the connection was refused`,
          evidence: [...evidence, 'a refused connection is an answer (a TCP RST), so this took milliseconds, not Timer B'],
          next: [
            `is the SIP server listening on TCP port ${e.to.replace(/^.*:/, '')}? Many listen on UDP only (ss -ltnp on the server)`,
            'check the port (5060 for UDP/TCP, 5061 for TLS) and the transport: try --transport udp',
            'a firewall that REJECTs looks the same as a closed port',
          ],
        };
      case 'ECONNRESET':
        return {
          id: 'tcp-reset',
          text: `${e.to} reset the TCP connection`,
          evidence,
          next: [
            'the peer dropped the connection abruptly: it crashed, restarted, or rejected what we sent (too large, not SIP, blocked address)',
            "look at the peer's log at that time; try UDP to compare",
          ],
        };
      case 'ETIMEDOUT':
        return {
          id: 'tcp-timeout',
          text: `the TCP connection to ${e.to} was never answered`,
          evidence,
          next: ['the host is down, or a firewall silently drops the SYN: check the address and the firewall', 'try UDP (sipcall diagnose shows both)'],
        };
      case 'CLOSED':
      case 'CLOSED_MID_MESSAGE':
      case 'EPIPE':
        return {
          id: 'tcp-closed',
          text: `${e.to} closed the TCP connection before answering`,
          evidence: [...evidence, local],
          next: ['the peer accepted the connection but hung up: it may not speak SIP on this port, or it rejected the request (size, source address)', "look at the peer's log"],
        };
      default:
    }
  }
  switch (e.code) {
    case 'EADDRINUSE':
    case 'EADDRNOTAVAIL':
    case 'EACCES':
      return {
        id: 'local-address',
        text: 'sipcall could not use the local address or port it was asked to send from',
        evidence,
        next: ['choose another --local port (0 picks a free one), or an address of this machine', 'ports below 1024 need privileges'],
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        id: 'icmp-unreachable',
        text: `${host} is unreachable (${e.code === 'ENETUNREACH' ? 'no route to its network' : 'host unreachable'})`,
        evidence: [...evidence, local],
        next: ['check the address and the routes of this machine (ip route get ' + host + ')', 'a firewall may answer with ICMP host unreachable'],
      };
    default:
      return {
        id: 'transport-error',
        text: `the ${e.transport} transport to ${e.to} failed (${e.code})`,
        evidence: [...evidence, local],
        next: ['run sipcall diagnose ' + e.to + ' to compare UDP and TCP'],
      };
  }
}
