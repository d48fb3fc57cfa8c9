/**
 * The ACK for a final response to an INVITE whose call has ended (docs/load.md, "Engine"): a
 * retransmitted final that the transaction would have absorbed had it been kept.
 *
 * RFC 3261 keeps the INVITE client transaction alive for that alone: in Completed, until Timer D,
 * "Any retransmissions of the final response that are received while in the "Completed" state
 * MUST cause the ACK to be re-passed to the transport layer for retransmission" (§17.1.1.2); in
 * Accepted, until Timer M (RFC 6026 §7.2), each 2xx goes to the TU, and "The UAC core MUST
 * generate an ACK request for each 2xx received from the transaction layer" (§13.2.2.4). The load
 * engine frees a call's slot at once instead of holding it 32 s, and builds that ACK from the
 * response itself (a full parse: late copies are rare): a non-2xx is ACKed in its transaction
 * (its Via), a 2xx in its dialog (a new branch, to the Contact of the response, §12.1.2).
 */
import { randomBytes } from 'node:crypto';
import { parseMessage } from '../sip/parse.js';
import { remoteTarget } from './dialog-facts.js';
import type { LoadEngineOptions } from './engine-options.js';
import { R_INVITE, type ResponseView } from './response-scan.js';

/** The ACK for the late response in `buf`, or undefined when it needs none or cannot get one. */
export function lateAck(buf: Buffer, v: ResponseView, o: LoadEngineOptions, runId: string): Buffer | undefined {
  if (v.method !== R_INVITE || v.status < 200) return undefined;
  const parsed = parseMessage(buf);
  if (!parsed.ok || parsed.message.kind !== 'response') return undefined;
  const h = parsed.message.headers;
  const cseq = /^\s*(\d+)/.exec(h.get('CSeq') ?? '');
  const to = h.get('To');
  const from = h.get('From');
  const callId = h.get('Call-ID');
  const via = h.getAll('Via')[0];
  if (!cseq || !to || !from || !callId || !via) return undefined;
  let ruri = o.requestUri;
  let top = `Via: ${via.replace(/;(received|rport)(=[^;]*)?/gi, '')};rport`;
  if (v.status < 300) {
    const remote = remoteTarget(buf, v);
    if (remote === undefined) return undefined;
    ruri = remote;
    top = `Via: SIP/2.0/${o.transport ?? 'UDP'} ${o.sentBy};branch=z9hG4bK${runId}-late${randomBytes(4).toString('hex')};rport`;
  }
  return Buffer.from(
    `ACK ${ruri} SIP/2.0\r\n${top}\r\nMax-Forwards: 70\r\nFrom: ${from}\r\nTo: ${to}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq[1]} ACK\r\nContent-Length: 0\r\n\r\n`,
    'latin1',
  );
}
