/**
 * The ACK for a non-2xx final response to an INVITE, built by the client transaction
 * (RFC 3261 §17.1.1.3). The ACK for a 2xx is not built here: it belongs to the TU (§13.2.2.4).
 */
import type { SipRequest, SipResponse } from '../sip/message.js';
import { Headers } from '../sip/headers.js';
import { SIP_VERSION } from '../sip/message.js';
import { parseCSeq } from '../sip/cseq.js';

/** The Max-Forwards we put in requests we build (RFC 3261 §8.1.1.6: "SHOULD be 70"). */
export const MAX_FORWARDS = 70;

/** The INVITE lacks a header the ACK must copy. */
export class AckBuildError extends Error {
  override readonly name = 'AckBuildError';
}

/**
 * Builds the ACK for `response` (3xx–6xx) to `invite`, RFC 3261 §17.1.1.3:
 *
 * > "The ACK request constructed by the client transaction MUST contain values for the
 * > Call-ID, From, and Request-URI that are equal to the values of those header fields in the
 * > request passed to the transport by the client transaction […]. The To header field in
 * > the ACK MUST equal the To header field in the response being acknowledged […]. The ACK
 * > MUST contain a single Via header field, and this MUST be equal to the top Via header
 * > field of the original request. The CSeq header field in the ACK MUST contain the same
 * > value for the sequence number as was present in the original request, but the method
 * > parameter MUST be equal to "ACK". If the INVITE request whose response is being
 * > acknowledged had Route header fields, those header fields MUST appear in the ACK."
 *
 * "placement of bodies in ACK for non-2xx is NOT RECOMMENDED": the body is empty and
 * Content-Length is 0.
 *
 * @throws AckBuildError when the INVITE has no Via, Call-ID, From, To or valid CSeq.
 */
export function buildAck(invite: SipRequest, response: SipResponse): SipRequest {
  const via = invite.headers.list('via')[0];
  const callId = invite.headers.get('call-id');
  const from = invite.headers.get('from');
  const to = response.headers.get('to') ?? invite.headers.get('to');
  const cseqValue = invite.headers.get('cseq');
  const cseq = cseqValue === undefined ? null : parseCSeq(cseqValue);
  if (via === undefined) throw new AckBuildError('cannot build ACK: the INVITE has no Via');
  if (callId === undefined) throw new AckBuildError('cannot build ACK: the INVITE has no Call-ID');
  if (from === undefined) throw new AckBuildError('cannot build ACK: the INVITE has no From');
  if (to === undefined) throw new AckBuildError('cannot build ACK: neither the response nor the INVITE has a To');
  if (cseq === null) throw new AckBuildError('cannot build ACK: the INVITE has no valid CSeq');

  const headers = new Headers().append('Via', via);
  // Route rows are copied as rows, in order (§7.3.1: their relative order matters).
  for (const route of invite.headers.getAll('route')) headers.append('Route', route);
  headers
    .append('Max-Forwards', String(MAX_FORWARDS))
    .append('From', from)
    .append('To', to)
    .append('Call-ID', callId)
    .append('CSeq', `${cseq.seq} ACK`)
    .append('Content-Length', '0');
  return { kind: 'request', method: 'ACK', uri: invite.uri, version: SIP_VERSION, headers, body: new Uint8Array(0) };
}
