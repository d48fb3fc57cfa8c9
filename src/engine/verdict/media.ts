import type { Verdict } from '../../events/types.js';
import { classifyAddress } from '../../media/address-class.js';
import type { MediaRunFacts } from '../media-stream.js';

/**
 * Media verdicts (docs/media.md): why a call that was answered has no audio, or only one way.
 * Pure: built from facts — what the SDP said and on which line, what arrived and from where,
 * what the peer's RTCP said, ICMP — so each is unit-tested on facts and proven once live.
 *
 * Returned in chain order, the first being the cause the result names: a refused offer, ICMP,
 * address trouble, no RTP, one-way, then quality (gaps, payload types, silence, tone).
 * A verdict is drawn only from enough evidence: with less media time than `timeoutS`, "no RTP"
 * is reported as too short to judge (`tooShort`), never as a failure.
 */
export interface MediaVerdictInput {
  facts: MediaRunFacts;
  /** `--media-timeout` in seconds. */
  timeoutS: number;
  /** The signalling peer's address (where the INVITE went). */
  signallingPeer: string;
  /** Our address as the peer saw it (Via received/rport of the answer), when it said. */
  viaReceived?: { address: string; port?: number };
  /** `--expect-tone`. */
  expectToneHz?: number;
}

export interface MediaVerdicts {
  /** Failing causes, first = the one named. */
  verdicts: Verdict[];
  /** Findings that do not fail the call (e.g. hold, RTP from a NAT'd port with audio intact). */
  notes: string[];
  /** True when the media time was shorter than the timeout and nothing came: no judgement. */
  tooShort?: string;
  /** The expect-tone verdict fails with exit 5, not 6. */
  expectationFailed?: boolean;
}

const SEC = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function mediaVerdicts(input: MediaVerdictInput): MediaVerdicts {
  const { facts, timeoutS } = input;
  const out: MediaVerdicts = { verdicts: [], notes: [] };
  const refused = facts.refused;
  if (refused) {
    out.verdicts.push(refusedVerdict(refused));
    return out;
  }
  const a = facts.agreement;
  const s = facts.snapshot;
  if (!a || !s) return out;
  const mediaMs = (facts.endedMs ?? s.endedMs ?? s.startedMs) - (facts.startedMs ?? s.startedMs);
  const enough = mediaMs >= timeoutS * 1000;
  const r = s.received;
  const weReceive = a.direction === 'sendrecv' || a.direction === 'recvonly';
  const weSend = a.direction === 'sendrecv' || a.direction === 'sendonly';
  const sdpRef = [a.remote.connectionLine, a.remote.mediaLine].filter(Boolean).map((l) => `answer ${l}`).join('; ');
  const remote = `${a.remote.address}:${a.remote.port}`;
  const peerHost = input.signallingPeer.replace(/^\[?([^\]]*?)\]?(:\d+)?$/, '$1');

  if (a.hold !== 'none') out.notes.push(`the answer puts the call on hold (${a.hold}): no audio is expected that way (RFC 3264 §8.4)`);

  // ICMP: nothing listens where the SDP told us to send.
  if (facts.unreachable.rtp > 0) {
    out.verdicts.push({
      id: 'rtp-port-unreachable',
      text: `nothing listens on ${remote}: our RTP got ICMP port unreachable (${facts.unreachable.rtp}×)`,
      evidence: [`the SDP named ${remote} (${sdpRef})`, `first ICMP error ${SEC((facts.unreachable.firstMs ?? 0) - (facts.startedMs ?? 0))} after media started`],
      next: ['the peer advertised a port it does not listen on: check its RTP port range and that its media process runs', 'a media relay (rtpengine, an SBC) in between may have dropped the session'],
    });
  }

  // The answer's c= is an address we cannot reach from where we are.
  const remoteClass = classifyAddress(a.remote.address);
  const peerClass = classifyAddress(peerHost);
  const privateRemote = (remoteClass === 'private' || remoteClass === 'shared' || remoteClass === 'link-local' || remoteClass === 'unique-local') && reachableClass(peerClass);
  if (privateRemote) {
    out.verdicts.push({
      id: 'private-address-in-sdp',
      text: `the answer asks for RTP at a private address (${a.remote.address}, ${remoteClass}) while the peer signals from a public one (${peerHost}): our audio cannot reach it`,
      evidence: [sdpRef, `signalling peer ${input.signallingPeer}`, r.packets > 0 ? `we received ${r.packets} RTP packets from ${r.sources.map((x) => `${x.address}:${x.port}`).join(', ')}` : 'we received no RTP either'],
      next: ['the peer is behind NAT and does not know it: give it a public media address (externip, rtpengine, an SBC), or enable symmetric RTP / comedia on the server that relays it', 'sipcall sends to the SDP address (it does not latch onto the source of incoming RTP by default)'],
    });
  }

  // Our own c= is private but the peer saw us at a public address.
  const v = input.viaReceived;
  const ourClass = classifyAddress(facts.local.address);
  if (v && v.address !== facts.local.address && (ourClass === 'private' || ourClass === 'shared' || ourClass === 'unique-local') && reachableClass(classifyAddress(v.address))) {
    out.verdicts.push({
      id: 'sdp-address-not-reachable',
      text: `our SDP says c=${facts.local.address}, but the peer sees us at ${v.address}${v.port ? `:${v.port}` : ''} (Via received/rport): its RTP to ${facts.local.address}:${facts.local.port} cannot reach us through the NAT`,
      evidence: [`our c= ${facts.local.address} (${ourClass})`, `Via received=${v.address}${v.port ? ` rport=${v.port}` : ''} in the answer`, `${r.packets} RTP packets received`],
      next: ['advertise the public address (--sdp-address, or a media relay), or have the far end use symmetric RTP (send to where our RTP comes from)'],
    });
  }

  const heldByPeer = a.hold === 'inactive' || a.hold === 'c=0.0.0.0';
  if (weReceive && r.packets === 0 && !heldByPeer) {
    if (!enough) {
      out.tooShort = `no RTP in ${SEC(mediaMs)} (too short to judge: the media timeout is ${timeoutS} s)`;
    } else {
      const peerSeesUs = s.rtcp.peer !== undefined && s.rtcp.peer.extendedHighestSeq > 0;
      out.verdicts.push(
        peerSeesUs
          ? {
              id: 'one-way-audio',
              text: `one-way audio: the peer receives our RTP (its RTCP says so) but nothing comes back to ${facts.local.address}:${facts.local.port}`,
              evidence: [`we sent ${s.sent.packets} packets to ${remote}`, `the peer's RTCP reports our stream: loss ${(s.rtcp.peer!.fractionLost * 100).toFixed(1)} %, jitter ${s.rtcp.peer!.jitterMs.toFixed(1)} ms`, `0 RTP packets received in ${SEC(mediaMs)}`],
              next: ['the way back is blocked: a firewall or NAT in front of us, or the peer sends to another address than our c=', 'check the peer\'s idea of our media address (its logs, or a capture with --pcap once available)'],
            }
          : {
              id: 'no-rtp-received',
              text: `no RTP received in ${SEC(mediaMs)} after the answer${s.rtcp.received > 0 ? ' (only RTCP came)' : ''}`,
              evidence: [`we offered ${facts.local.address}:${facts.local.port}; the answer named ${remote} (${sdpRef})`, `we sent ${s.sent.packets} RTP packets there`, s.rtcp.received > 0 ? `${s.rtcp.received} RTCP packets came from the peer` : 'no RTCP from the peer either (SIPp sends none; that alone is not a fault)'],
              next: ['is the peer sending at all (a music-on-hold, an IVR prompt, a phone that needs a key press)? check its media logs', 'a firewall between us drops UDP on the RTP ports, or the peer sends to another address than our c='],
            },
      );
    }
  }

  // Packets came, but not from where the SDP said.
  if (r.packets > 0 && !heldByPeer) {
    const expected = r.sources.filter((x) => x.address === a.remote.address && x.port === a.remote.port);
    const others = r.sources.filter((x) => !(x.address === a.remote.address && x.port === a.remote.port));
    if (others.length) {
      const o = others[0];
      const sameIp = o.address === a.remote.address;
      const v2: Verdict = {
        id: 'rtp-from-unexpected-address',
        text: sameIp ? `RTP comes from ${o.address}:${o.port}, another port than the SDP's ${a.remote.port} (a NAT rewrote it, or the peer sends from another socket)` : `RTP comes from ${o.address}:${o.port}, not from the SDP's ${remote} (an SBC, a media relay or a NAT)`,
        evidence: [sdpRef, ...others.map((x) => `${x.packets} packets from ${x.address}:${x.port}`), expected.length ? `${expected[0].packets} packets from ${remote} itself` : `none from ${remote} itself`],
        next: ['a strict endpoint (or a connected socket) drops this RTP: make the peer send from the port it advertises (symmetric RTP, RFC 4961), or enable latching/comedia on the side that receives it', 'sipcall received it because it listens on an unconnected socket too'],
      };
      if (expected.length === 0) out.verdicts.push(v2);
      else out.notes.push(v2.text);
    }
  }

  // One-way the other way: we receive, but the peer's RTCP says ours do not arrive.
  if (weSend && r.packets > 0 && s.sent.packets > 0 && enough) {
    const p = s.rtcp.peer;
    const noneArrive = (p === undefined && s.rtcp.reportsWithoutUs > 1) || (p !== undefined && p.fractionLost >= 0.99);
    if (noneArrive) {
      out.verdicts.push({
        id: 'one-way-audio',
        text: `one-way audio: we receive the peer, but its RTCP says our RTP does not arrive`,
        evidence: [`we sent ${s.sent.packets} packets to ${remote}`, p ? `the peer reports ${(p.fractionLost * 100).toFixed(0)} % of our packets lost` : `${s.rtcp.reportsWithoutUs} RTCP reports from the peer have no block about our SSRC`, `we received ${r.packets} packets`],
        next: ['our RTP does not reach the address the peer listens on: a NAT or firewall on our side, or a wrong c= in the answer', 'compare the answer\'s c= and m= with where the peer really receives'],
      });
    }
  }

  // A gap mid-call.
  if (r.packets > 0 && weReceive) {
    const tail = (facts.endedMs ?? s.endedMs ?? 0) - (r.lastMs ?? 0);
    const gap = Math.max(r.maxGapMs, tail);
    if (gap >= timeoutS * 1000) {
      out.verdicts.push({
        id: 'media-timeout',
        text: `RTP stopped for ${SEC(gap)} during the call${tail >= timeoutS * 1000 ? ` (the last packet came ${SEC(tail)} before the end)` : ''}`,
        evidence: [`${r.packets} packets received, the longest gap ${SEC(r.maxGapMs)}`, `media timeout ${timeoutS} s`],
        next: ['the peer stopped sending (hold without a re-INVITE, a media server that timed out, a NAT binding that expired)', 'with RTCP from the peer, see whether it still thinks the call is up'],
      });
    }
  }

  // Packets with a payload type nobody agreed on.
  if (r.unexpectedPayloadTypes.length > 0) {
    const v3: Verdict = {
      id: 'payload-type-not-negotiated',
      text: `the peer sends payload type ${r.unexpectedPayloadTypes.map((x) => x.pt).join(', ')}, which the SDP did not agree on (we agreed on ${a.codec.name} PT ${a.codec.payloadType})`,
      evidence: [...r.unexpectedPayloadTypes.map((x) => `${x.packets} packets with PT ${x.pt}`), `${r.audioPackets} packets with PT ${a.codec.payloadType}`, sdpRef],
      next: ['the peer ignores the answer (a codec mismatch in practice): check its codec configuration', 'RFC 3264 §6.1: only payload types in the answer may be sent'],
    };
    if (r.audioPackets === 0) out.verdicts.push(v3);
    else out.notes.push(v3.text);
  }

  // Packets flow, but the audio is silent.
  if (r.audioPackets > 0 && r.levelDbfs !== undefined && r.levelDbfs < -60 && enough) {
    out.verdicts.push({
      id: 'silent-audio',
      text: `RTP flows (${r.audioPackets} audio packets) but the audio is silent: ${r.levelDbfs.toFixed(1)} dBFS`,
      evidence: [`level ${r.levelDbfs.toFixed(1)} dBFS (below −60 dBFS)`, `loss ${r.lossPct.toFixed(1)} %`],
      next: ['the peer sends digital silence: a muted phone, a media server with no source, a transcoder fed nothing', 'packet checks pass here; only the level shows it'],
    });
  }

  // Direction: we offered sendrecv; the answer made it one-way without a hold.
  if (a.direction !== 'sendrecv' && a.hold === 'none') {
    out.verdicts.push({
      id: 'direction-mismatch',
      text: `we offered sendrecv; the answer leaves us ${a.direction}: audio can only go ${a.direction === 'recvonly' ? 'from the peer to us' : a.direction === 'sendonly' ? 'from us to the peer' : 'nowhere'}`,
      evidence: [sdpRef, ...(a.directionLine ? [`answer ${a.directionLine}`] : [])],
      next: ['RFC 3264 §6.1: a sendrecv offer may be answered with any direction; a one-way answer without a hold intent is usually a misconfigured peer'],
    });
  }

  if (input.expectToneHz !== undefined) {
    const t = s.tone;
    if (!t?.heard) {
      out.expectationFailed = true;
      out.verdicts.push({
        id: 'tone-not-heard',
        text: `the peer's audio does not carry ${input.expectToneHz} Hz`,
        evidence: [`${r.audioPackets} audio packets, level ${r.levelDbfs?.toFixed(1) ?? 'n/a'} dBFS`, 'Goertzel ratio stayed below 0.5 (or the level below −40 dBFS) in every 20 ms block'],
        next: ['is the peer playing what you expect? record it with --record and listen'],
      });
    }
  }
  return out;
}

/**
 * An address the wider network routes: public, or the RFC 5737 / RFC 3849 documentation
 * ranges (which stand for public addresses in examples and tests).
 */
function reachableClass(c: string): boolean {
  return c === 'public' || c === 'documentation';
}

function refusedVerdict(x: NonNullable<MediaRunFacts['refused']>): Verdict {
  const line = x.line ? `answer line ${x.line}` : 'the answer';
  switch (x.reason) {
    case 'port-zero':
      return { id: 'media-rejected', text: `the peer rejected the audio stream (m= port 0, RFC 3264 §6)`, evidence: [`${line}: ${x.text}`], next: ['the peer accepts the call but not our audio: check its codec list and media policy'] };
    case 'srtp-only':
      return { id: 'srtp-required', text: 'the peer answers with SRTP (RTP/SAVP) only; sipcall offered plain RTP/AVP', evidence: [`${line}: ${x.text}`], next: ['the peer requires encrypted media: sipcall does not do SRTP yet; allow RTP/AVP on the peer for the test'] };
    case 'no-common-codec':
      return { id: 'codec-mismatch', text: `no codec in common: ${x.text}`, evidence: [`${line}`, ...(x.offered ?? [])], next: ['enable PCMU (G.711 µ-law) or PCMA (A-law) on the peer; sipcall speaks only G.711'] };
    default:
      return { id: 'codec-mismatch', text: `the answer's SDP is unusable: ${x.text}`, evidence: [line], next: ['check the SDP the peer sends (RFC 4566)'] };
  }
}
