/**
 * The RTCP transmission interval (RFC 3550 §6.3.1, the `rtcp_interval` of A.7).
 *
 * §6.3.1: "The deterministic calculated interval Td is set to max(Tmin, n*C)" where C is the
 * average RTCP packet size over the RTCP bandwidth share and Tmin is 5 s ("2.5 seconds" for
 * the first packet); "The calculated interval T is set to a number uniformly distributed
 * between 0.5 and 1.5 times the deterministic calculated interval"; "The resulting value of T
 * is divided by e-3/2=1.21828 to compensate for the fact that the timer reconsideration
 * algorithm converges to a value of the RTCP bandwidth below the intended average."
 *
 * Pure: the random source is an argument, the result is in ms.
 */

/** "Minimum average time between RTCP packets from this site (in seconds)" (A.7). */
export const RTCP_MIN_TIME_S = 5;
/** "Fraction of the RTCP bandwidth to be shared among active senders." (A.7) */
export const RTCP_SENDER_BW_FRACTION = 0.25;
/** "The receiver fraction must be 1 - the sender fraction." */
export const RTCP_RCVR_BW_FRACTION = 1 - RTCP_SENDER_BW_FRACTION;
/** "To compensate for 'timer reconsideration' converging to a value below the intended
 *  average": e − 3/2, as A.7 writes it. */
export const COMPENSATION = 2.71828 - 1.5;

export interface RtcpIntervalInput {
  /** Session members, ourselves included (at least 1 in practice). */
  members: number;
  /** Members that sent RTP since the last report, ourselves included if `weSent`. */
  senders: number;
  /** "The target RTCP bandwidth, i.e., the total bandwidth that will be used for RTCP
   *  packets by all members of this session, in octets per second" (5 % of the session
   *  bandwidth, §6.2). */
  rtcpBandwidth: number;
  /** "Flag that is true if we have sent data during the last two RTCP intervals." */
  weSent: boolean;
  /** "The average compound RTCP packet size, in octets, over all RTCP packets sent and
   *  received by this participant", lower-layer headers included (§6.3.3). */
  avgRtcpSize: number;
  /** "Flag that is true if the application has not yet sent an RTCP packet." */
  initial: boolean;
}

/**
 * The next RTCP interval in ms (A.7). `random` returns a number uniformly in [0, 1), like
 * `drand48()` in A.7 and `Math.random`; T is then scaled by random + 0.5, in [0.5, 1.5).
 */
export function rtcpInterval(input: RtcpIntervalInput, random: () => number): number {
  let rtcpMinTime = RTCP_MIN_TIME_S;
  // "Very first call at application start-up uses half the min delay for quicker
  // notification while still allowing some time before reporting for randomization and to
  // learn about other sources so the report interval will converge to the correct interval
  // more quickly."
  if (input.initial) rtcpMinTime /= 2;

  // "Dedicate a fraction of the RTCP bandwidth to senders unless the number of senders is
  // large enough that their share is more than that fraction."
  let n = input.members;
  let rtcpBw = input.rtcpBandwidth;
  if (input.senders <= input.members * RTCP_SENDER_BW_FRACTION) {
    if (input.weSent) {
      rtcpBw *= RTCP_SENDER_BW_FRACTION;
      n = input.senders;
    } else {
      rtcpBw *= RTCP_RCVR_BW_FRACTION;
      n -= input.senders;
    }
  }

  // "The effective number of sites times the average packet size is the total number of
  // octets sent when each site sends a report. Dividing this by the effective bandwidth
  // gives the time interval over which those packets must be sent in order to meet the
  // bandwidth target, with a minimum enforced."
  let t = rtcpBw > 0 ? (input.avgRtcpSize * n) / rtcpBw : rtcpMinTime;
  if (!(t >= rtcpMinTime)) t = rtcpMinTime;

  // "To avoid traffic bursts from unintended synchronization with other sites, we then pick
  // our actual next report interval as a random number uniformly distributed between 0.5*t
  // and 1.5*t."
  t *= random() + 0.5;
  t /= COMPENSATION;
  return t * 1000;
}

/**
 * §6.3.3: "avg_rtcp_size = (1/16) * packet_size + (15/16) * avg_rtcp_size" for every RTCP
 * packet sent or received, `packetSize` including the UDP and IP headers (28 octets on IPv4).
 */
export function updateAvgRtcpSize(avgRtcpSize: number, packetSize: number): number {
  return packetSize / 16 + (15 / 16) * avgRtcpSize;
}
