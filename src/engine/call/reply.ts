/**
 * A response of ours to a request the peer sends in the call (RFC 3261 §8.2.6.2: "the From
 * field of the response MUST equal the From header field of the request … [and] the To header
 * field of the response MUST equal that of the request", plus our tag), through the request's
 * server transaction (§17.2).
 */
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../transaction/server-transaction.js';
import { responseFor } from '../response-for.js';
import type { UacContext } from '../uac-context.js';

/** A response built from the request (RFC 3261 §8.2.6.2, response-for.ts), through its transaction. */
export function reply(ctx: UacContext, req: SipRequest, tx: ServerTransaction, status: number, reason: string, extra: Array<{ name: string; value: string }> = []): void {
  tx.respond(responseFor(req, status, reason, { toTag: ctx.localTag, extra }));
}
