/**
 * What `sipcall answer` says it can do (RFC 3261 §20.5: "The Allow header field lists the set
 * of methods supported by the UA generating the message"), the option tags it understands
 * (§8.2.2.3) and the body types it reads (§8.2.3: "If a UAS receives a request with a body of a
 * type it does not understand, […] The response MUST contain an Accept header field listing
 * the types of all bodies it understands"). The UAS core (uas.ts) and its stateless answers
 * (uas-stateless.ts) read them; `--load` writes the same Allow (uas-fast/).
 */

/** The Allow value of our 2xx, OPTIONS answer and 501 (RFC 3261 §20.5). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, MESSAGE, INFO, NOTIFY, UPDATE';
/** Option tags `answer` understands (RFC 3261 §8.2.2.3): none yet. */
export const SUPPORTED: readonly string[] = [];
/** Body types `answer` reads, by method (RFC 3261 §8.2.3). */
export const ACCEPT: Readonly<Record<string, readonly string[]>> = {
  INVITE: ['application/sdp'],
  UPDATE: ['application/sdp'],
  INFO: ['application/dtmf-relay', 'application/dtmf'],
};
