import type { Clock } from '../../clock/clock.js';

/**
 * What `sipcall answer --load` is told (docs/answer-load.md): the RFC 3261 timer values of
 * Table 4 ("T1 500ms default … RTT Estimate; T2 4s … The maximum retransmit interval for
 * non-INVITE requests and INVITE responses; T4 5s … Maximum duration a message will remain in
 * the network"), the final it answers each INVITE with and after how long, and the pre-encoded
 * header values of its responses.
 */
export interface LoadUasOptions {
  clock: Clock;
  t1: number;
  t2: number;
  /** RFC 3261 T4 (Timer I), default 5000 ms. */
  t4?: number;
  /** Milliseconds between the 180 and the final response. */
  ringMs: number;
  /** The final status and reason phrase for INVITE. */
  respond: number;
  reason: string;
  /** Server header value. */
  server: string;
  /** Our Contact (a name-addr) and media address (for the SDP). */
  contact: string;
  mediaAddress: string;
  allow: string;
  /** The socket buffers the kernel granted (SO_RCVBUF, SO_SNDBUF), for the counters. */
  socketBuffers?: { receive: number; send: number };
}
