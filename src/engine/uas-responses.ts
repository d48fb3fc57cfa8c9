import { headerParam } from '../dialog/name-addr-uri.js';
import { newTag, type RandomSource } from '../sip/ids.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { ServerTransaction } from '../transaction/server-transaction.js';
import { responseFor } from './response-for.js';

/**
 * The responses of `answer`'s UAS core, built as RFC 3261 §8.2.6.2 says (response-for.ts) with
 * our Server header (§20.35), and the To tag §8.2.6.2 asks for: "If the request contained a To
 * tag in the request, the To header field in the response MUST equal that of the request.
 * However, if the To header field in the request did not contain a tag, the URI in the To
 * header field in the response MUST equal the URI in the To header field; additionally, the UAS
 * MUST add a tag to the To header field in the response".
 */
export class UasResponses {
  constructor(
    /** Our Server header value. */
    private readonly server: string,
    private readonly random: RandomSource | undefined,
  ) {}

  /** A response to `req` with our To tag `toTag` (when the request's To has none). */
  response(req: SipRequest, status: number, reason: string, toTag: string | undefined, extra: Array<{ name: string; value: string }> = [], body?: Uint8Array): SipResponse {
    return responseFor(req, status, reason, { toTag, extra, body, server: this.server });
  }

  /** Passes a response to `req` to its transaction, with a new To tag when the request had none. */
  respond(req: SipRequest, tx: ServerTransaction, status: number, reason: string, extra: Array<{ name: string; value: string }> = []): void {
    const tag = headerParam(req.headers.get('to') ?? '', 'tag') ?? newTag(this.random);
    tx.respond(this.response(req, status, reason, tag, extra));
  }
}
