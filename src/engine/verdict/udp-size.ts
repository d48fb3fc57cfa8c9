/**
 * RFC 3261 §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than
 * 1300 bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion
 * controlled transport protocol, such as TCP. If this causes a change in the transport protocol
 * from the one indicated in the top Via, the value in the top Via MUST be changed."
 */
export const UDP_SIZE_LIMIT = 1300;

/** A request that was too big for UDP: the session asks the run to start again over TCP. */
export interface OversizeRequest {
  method: string;
  bytes: number;
}
