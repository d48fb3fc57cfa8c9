import { describe, expect, it } from 'vitest';
import type { AgreedMedia, MediaRunFacts } from '../../src/engine/media-stream.js';
import { mediaVerdicts, type MediaVerdictInput } from '../../src/engine/verdict/media.js';
import { negotiate, type MediaAgreement, type MediaRefused } from '../../src/media/negotiate.js';
import { parseSdp } from '../../src/media/sdp.js';
import { localMediaOf } from '../../src/media/sdp-offer.js';
import type { MediaSessionSnapshot } from '../../src/media/session.js';

/**
 * The media verdicts on hand-made facts: each verdict provoked, its evidence read. The
 * agreements come from `negotiate` on small SDP answers, so the cited lines are what a real
 * answer gives (cited as `answer line N: …`); everything else (what arrived, from where, RTCP, ICMP) is written by hand.
 * Nothing is sent anywhere.
 */

const OURS = localMediaOf({});

/** An answer to our default offer (PCMU 0, PCMA 8, telephone-event 101, sendrecv). */
function answerSdp(opts: { c?: string; port?: number; proto?: string; fmts?: string; extra?: string[] } = {}): string {
  const c = opts.c ?? '127.0.0.1';
  return [
    'v=0',
    `o=peer 1 1 IN IP4 ${c}`,
    's=-',
    `c=IN IP4 ${c}`,
    't=0 0',
    `m=audio ${opts.port ?? 6000} ${opts.proto ?? 'RTP/AVP'} ${opts.fmts ?? '0 101'}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    ...(opts.extra ?? []),
    '',
  ].join('\r\n');
}

function negotiated(sdp: string): MediaAgreement {
  return negotiate(OURS, parseSdp(sdp), 'offerer');
}

function agreed(sdp: string): AgreedMedia {
  const a = negotiated(sdp);
  if (!a.ok) throw new Error(`expected an agreement: ${a.text}`);
  return a;
}

function refusedBy(sdp: string): MediaRefused {
  const a = negotiated(sdp);
  if (a.ok) throw new Error('expected a refusal');
  return a;
}

type Received = MediaSessionSnapshot['received'];

/** A healthy 5 s call: 250 packets each way from/to 127.0.0.1:6000, a tone at −20 dBFS. */
function snapshot(over: { received?: Partial<Received>; sent?: Partial<MediaSessionSnapshot['sent']>; rtcp?: Partial<MediaSessionSnapshot['rtcp']>; tone?: MediaSessionSnapshot['tone'] } = {}): MediaSessionSnapshot {
  const received: Received = {
    packets: 250,
    audioPackets: 250,
    expected: 250,
    lost: 0,
    lossPct: 0,
    jitterMs: 0.4,
    duplicates: 0,
    reordered: 0,
    maxGapMs: 40,
    firstMs: 1010,
    lastMs: 5990,
    ssrcChanges: 0,
    invalid: 0,
    comfortNoise: 0,
    dtmfPackets: 0,
    ownSsrcEchoed: 0,
    unexpectedPayloadTypes: [],
    sources: [{ address: '127.0.0.1', port: 6000, packets: 250, firstMs: 1010, lastMs: 5990 }],
    levelDbfs: -20,
    peakDbfs: -17,
    concealed: 0,
    ...over.received,
  };
  return {
    startedMs: 1000,
    endedMs: 6000,
    sent: { packets: 250, octets: 40_000, dtmfPackets: 0, sendJitterMs: { p50: 0.1, p99: 0.5, max: 1 }, skipped: 0, ...over.sent },
    received,
    rtcp: { sent: 2, received: 0, reportsAboutUs: 0, reportsWithoutUs: 0, byeReceived: false, problems: [], ...over.rtcp },
    tone: over.tone,
    digitsReceived: '',
  };
}

const NOTHING: Partial<Received> = { packets: 0, audioPackets: 0, expected: 0, sources: [], firstMs: undefined, lastMs: undefined, levelDbfs: undefined, peakDbfs: undefined, maxGapMs: 0 };

function facts(over: Partial<MediaRunFacts> = {}): MediaRunFacts {
  return {
    agreement: agreed(answerSdp()),
    unreachable: { rtp: 0, rtcp: 0 },
    startedMs: 1000,
    endedMs: 6000,
    early: false,
    local: { address: '127.0.0.1', port: 40_000 },
    snapshot: snapshot(),
    digitsSent: '',
    ...over,
  };
}

function judge(f: MediaRunFacts, over: Partial<MediaVerdictInput> = {}) {
  return mediaVerdicts({ facts: f, timeoutS: 2, signallingPeer: '127.0.0.1:5060', ...over });
}

const ids = (r: ReturnType<typeof judge>): string[] => r.verdicts.map((v) => v.id);

describe('mediaVerdicts: a healthy call', () => {
  it('has no verdict and no note', () => {
    const r = judge(facts());
    expect(r).toEqual({ verdicts: [], notes: [] });
  });

  it('no agreement or no snapshot: nothing to judge', () => {
    expect(judge(facts({ agreement: undefined }))).toEqual({ verdicts: [], notes: [] });
    expect(judge(facts({ snapshot: undefined }))).toEqual({ verdicts: [], notes: [] });
  });
});

describe('mediaVerdicts: no RTP', () => {
  it('no-rtp-received: nothing in 5 s, no RTCP either', () => {
    const r = judge(facts({ snapshot: snapshot({ received: NOTHING }) }));
    expect(ids(r)).toEqual(['no-rtp-received']);
    const v = r.verdicts[0];
    expect(v.text).toBe('no RTP received in 5.0 s after the answer');
    expect(v.evidence).toEqual([
      'we offered 127.0.0.1:40000; the answer named 127.0.0.1:6000 (answer line 4: c=IN IP4 127.0.0.1; answer line 6: m=audio 6000 RTP/AVP 0 101)',
      'we sent 250 RTP packets there',
      'no RTCP from the peer either (SIPp sends none; that alone is not a fault)',
    ]);
    expect(v.next.length).toBeGreaterThan(0);
    expect(r.tooShort).toBeUndefined();
  });

  it('no-rtp-received says when only RTCP came', () => {
    const r = judge(facts({ snapshot: snapshot({ received: NOTHING, rtcp: { received: 3, reportsWithoutUs: 3 } }) }));
    expect(ids(r)).toEqual(['no-rtp-received']);
    expect(r.verdicts[0].text).toBe('no RTP received in 5.0 s after the answer (only RTCP came)');
    expect(r.verdicts[0].evidence[2]).toBe('3 RTCP packets came from the peer');
  });

  it('too short to judge: media 1 s, timeout 2 s, 0 packets → no verdict, a tooShort text', () => {
    const r = judge(facts({ endedMs: 2000, snapshot: { ...snapshot({ received: NOTHING, sent: { packets: 50 } }), endedMs: 2000 } }));
    expect(r.verdicts).toEqual([]);
    expect(r.tooShort).toBe('no RTP in 1.0 s (too short to judge: the media timeout is 2 s)');
  });

  it('exactly the timeout is enough to judge', () => {
    const r = judge(facts({ endedMs: 3000, snapshot: { ...snapshot({ received: NOTHING }), endedMs: 3000 } }));
    expect(ids(r)).toEqual(['no-rtp-received']);
    expect(r.tooShort).toBeUndefined();
  });
});

describe('mediaVerdicts: one-way audio', () => {
  it("the peer's RTCP sees our stream but nothing comes back", () => {
    const peer = { fractionLost: 0.02, cumulativeLost: 5, extendedHighestSeq: 12_345, jitterMs: 3.25, rttMs: 12, atMs: 4000 };
    const r = judge(facts({ snapshot: snapshot({ received: NOTHING, rtcp: { received: 2, reportsAboutUs: 2, peer } }) }));
    expect(ids(r)).toEqual(['one-way-audio']);
    const v = r.verdicts[0];
    expect(v.text).toBe('one-way audio: the peer receives our RTP (its RTCP says so) but nothing comes back to 127.0.0.1:40000');
    expect(v.evidence).toEqual(['we sent 250 packets to 127.0.0.1:6000', "the peer's RTCP reports our stream: loss 2.0 %, jitter 3.3 ms", '0 RTP packets received in 5.0 s']);
  });

  it("we receive, but the peer's RTCP says 100 % of ours are lost", () => {
    const peer = { fractionLost: 1, cumulativeLost: 250, extendedHighestSeq: 0, jitterMs: 0, atMs: 4000 };
    const r = judge(facts({ snapshot: snapshot({ rtcp: { received: 2, reportsAboutUs: 2, peer } }) }));
    expect(ids(r)).toEqual(['one-way-audio']);
    const v = r.verdicts[0];
    expect(v.text).toBe('one-way audio: we receive the peer, but its RTCP says our RTP does not arrive');
    expect(v.evidence).toEqual(['we sent 250 packets to 127.0.0.1:6000', 'the peer reports 100 % of our packets lost', 'we received 250 packets']);
  });

  it("we receive, and the peer's reports never mention our SSRC", () => {
    const r = judge(facts({ snapshot: snapshot({ rtcp: { received: 3, reportsWithoutUs: 3 } }) }));
    expect(ids(r)).toEqual(['one-way-audio']);
    expect(r.verdicts[0].evidence[1]).toBe('3 RTCP reports from the peer have no block about our SSRC');
  });

  it('one report without us is not enough evidence; 98 % loss is not "none arrive"', () => {
    expect(ids(judge(facts({ snapshot: snapshot({ rtcp: { received: 1, reportsWithoutUs: 1 } }) })))).toEqual([]);
    const peer = { fractionLost: 0.98, cumulativeLost: 245, extendedHighestSeq: 250, jitterMs: 0, atMs: 4000 };
    expect(ids(judge(facts({ snapshot: snapshot({ rtcp: { reportsAboutUs: 1, peer } }) })))).toEqual([]);
  });
});

describe('mediaVerdicts: where RTP comes from', () => {
  it('rtp-from-unexpected-address: same IP, another port', () => {
    const sources = [{ address: '127.0.0.1', port: 6002, packets: 250, firstMs: 1010, lastMs: 5990 }];
    const r = judge(facts({ snapshot: snapshot({ received: { sources } }) }));
    expect(ids(r)).toEqual(['rtp-from-unexpected-address']);
    const v = r.verdicts[0];
    expect(v.text).toBe("RTP comes from 127.0.0.1:6002, another port than the SDP's 6000 (a NAT rewrote it, or the peer sends from another socket)");
    expect(v.evidence).toEqual(['answer line 4: c=IN IP4 127.0.0.1; answer line 6: m=audio 6000 RTP/AVP 0 101', '250 packets from 127.0.0.1:6002', 'none from 127.0.0.1:6000 itself']);
  });

  it('rtp-from-unexpected-address: another IP', () => {
    const sources = [{ address: '127.0.0.2', port: 6000, packets: 250, firstMs: 1010, lastMs: 5990 }];
    const r = judge(facts({ snapshot: snapshot({ received: { sources } }) }));
    expect(ids(r)).toEqual(['rtp-from-unexpected-address']);
    expect(r.verdicts[0].text).toBe("RTP comes from 127.0.0.2:6000, not from the SDP's 127.0.0.1:6000 (an SBC, a media relay or a NAT)");
    expect(r.verdicts[0].evidence).toContain('250 packets from 127.0.0.2:6000');
  });

  it('only a note when the expected source sent too', () => {
    const sources = [
      { address: '127.0.0.1', port: 6000, packets: 200, firstMs: 1010, lastMs: 5990 },
      { address: '127.0.0.1', port: 6002, packets: 50, firstMs: 1010, lastMs: 2000 },
    ];
    const r = judge(facts({ snapshot: snapshot({ received: { sources } }) }));
    expect(r.verdicts).toEqual([]);
    expect(r.notes).toEqual(["RTP comes from 127.0.0.1:6002, another port than the SDP's 6000 (a NAT rewrote it, or the peer sends from another socket)"]);
  });
});

describe('mediaVerdicts: addresses in the SDP', () => {
  const privateAnswer = (): MediaRunFacts => facts({ agreement: agreed(answerSdp({ c: '10.0.0.7' })), snapshot: snapshot({ received: NOTHING }) });

  it('private-address-in-sdp: the answer says c=10.0.0.7, the peer signals from 203.0.113.5', () => {
    const r = judge(privateAnswer(), { signallingPeer: '203.0.113.5:5060' });
    expect(ids(r)[0]).toBe('private-address-in-sdp');
    const v = r.verdicts[0];
    expect(v.text).toBe('the answer asks for RTP at a private address (10.0.0.7, private) while the peer signals from a public one (203.0.113.5): our audio cannot reach it');
    expect(v.evidence).toEqual(['answer line 4: c=IN IP4 10.0.0.7; answer line 6: m=audio 6000 RTP/AVP 0 101', 'signalling peer 203.0.113.5:5060', 'we received no RTP either']);
  });

  it('private-address-in-sdp with a peer at a public (non-documentation) address, and RTP received', () => {
    const f = facts({ agreement: agreed(answerSdp({ c: '10.0.0.7' })), snapshot: snapshot({ received: { sources: [{ address: '81.2.69.160', port: 6000, packets: 250, firstMs: 1010, lastMs: 5990 }] } }) });
    const r = judge(f, { signallingPeer: '81.2.69.160:5060' });
    expect(ids(r)[0]).toBe('private-address-in-sdp');
    expect(r.verdicts[0].text).toBe('the answer asks for RTP at a private address (10.0.0.7, private) while the peer signals from a public one (81.2.69.160): our audio cannot reach it');
    expect(r.verdicts[0].evidence[1]).toBe('signalling peer 81.2.69.160:5060');
    expect(r.verdicts[0].evidence[2]).toBe('we received 250 RTP packets from 81.2.69.160:6000');
    // …and the RTP not coming from the SDP's address is named too, after it.
    expect(ids(r)).toEqual(['private-address-in-sdp', 'rtp-from-unexpected-address']);
  });

  it('private-address-in-sdp: a bracketed IPv6 signalling peer is read without its brackets and port', () => {
    // 2a00:1450::1 is public; the answer's c= is private IPv4 (a dual-stack peer behind NAT).
    const r = judge(privateAnswer(), { signallingPeer: '[2a00:1450::1]:5060' });
    expect(ids(r)[0]).toBe('private-address-in-sdp');
    expect(r.verdicts[0].text).toContain('from a public one (2a00:1450::1)');
  });

  it('no private-address-in-sdp when the peer itself is on a private network (a LAN lab)', () => {
    const r = judge(privateAnswer(), { signallingPeer: '10.0.0.7:5060' });
    expect(ids(r)).toEqual(['no-rtp-received']);
  });

  it("sdp-address-not-reachable: our c= is 192.168.1.10, the peer's Via received says a public address", () => {
    const f = facts({ local: { address: '192.168.1.10', port: 40_000 }, snapshot: snapshot({ received: NOTHING }) });
    const r = judge(f, { viaReceived: { address: '81.2.69.160', port: 5062 } });
    expect(ids(r)[0]).toBe('sdp-address-not-reachable');
    const v = r.verdicts[0];
    expect(v.text).toBe('our SDP says c=192.168.1.10, but the peer sees us at 81.2.69.160:5062 (Via received/rport): its RTP to 192.168.1.10:40000 cannot reach us through the NAT');
    expect(v.evidence).toEqual(['our c= 192.168.1.10 (private)', 'Via received=81.2.69.160 rport=5062 in the answer', '0 RTP packets received']);
    // Nothing came back: the no-RTP verdict follows it.
    expect(ids(r)).toEqual(['sdp-address-not-reachable', 'no-rtp-received']);
  });

  it('sdp-address-not-reachable: Via received at a documentation-range (RFC 5737) address counts as public too', () => {
    const f = facts({ local: { address: '192.168.1.10', port: 40_000 }, snapshot: snapshot({ received: NOTHING }) });
    const r = judge(f, { viaReceived: { address: '198.51.100.7' } });
    expect(ids(r)[0]).toBe('sdp-address-not-reachable');
  });

  it('no sdp-address-not-reachable when Via received equals our c= or is private too', () => {
    const f = facts({ local: { address: '192.168.1.10', port: 40_000 } });
    expect(ids(judge(f, { viaReceived: { address: '192.168.1.10' } }))).toEqual([]);
    expect(ids(judge(f, { viaReceived: { address: '192.168.1.99' } }))).toEqual([]);
  });

  it('rtp-port-unreachable: ICMP port unreachable for our RTP', () => {
    const r = judge(facts({ unreachable: { rtp: 3, rtcp: 1, firstMs: 1100 }, snapshot: snapshot({ received: NOTHING }) }));
    expect(ids(r)).toEqual(['rtp-port-unreachable', 'no-rtp-received']);
    const v = r.verdicts[0];
    expect(v.text).toBe('nothing listens on 127.0.0.1:6000: our RTP got ICMP port unreachable (3×)');
    expect(v.evidence).toEqual(['the SDP named 127.0.0.1:6000 (answer line 4: c=IN IP4 127.0.0.1; answer line 6: m=audio 6000 RTP/AVP 0 101)', 'first ICMP error 0.1 s after media started']);
  });

  it('ICMP for RTCP alone is no RTP verdict', () => {
    expect(ids(judge(facts({ unreachable: { rtp: 0, rtcp: 2, firstMs: 1100 } })))).toEqual([]);
  });
});

describe('mediaVerdicts: quality', () => {
  it('media-timeout: a 3 s gap mid-call', () => {
    const r = judge(facts({ snapshot: snapshot({ received: { packets: 100, audioPackets: 100, expected: 100, maxGapMs: 3000 } }) }));
    expect(ids(r)).toEqual(['media-timeout']);
    const v = r.verdicts[0];
    expect(v.text).toBe('RTP stopped for 3.0 s during the call');
    expect(v.evidence).toEqual(['100 packets received, the longest gap 3.0 s', 'media timeout 2 s']);
  });

  it('media-timeout: RTP stopped before the end', () => {
    const r = judge(facts({ snapshot: snapshot({ received: { packets: 100, lastMs: 3000 } }) }));
    expect(ids(r)).toEqual(['media-timeout']);
    expect(r.verdicts[0].text).toBe('RTP stopped for 3.0 s during the call (the last packet came 3.0 s before the end)');
  });

  it('a gap shorter than the timeout is no verdict', () => {
    expect(ids(judge(facts({ snapshot: snapshot({ received: { maxGapMs: 1900 } }) })))).toEqual([]);
  });

  it('payload-type-not-negotiated: only PT 18 arrives', () => {
    const r = judge(facts({ snapshot: snapshot({ received: { audioPackets: 0, levelDbfs: undefined, unexpectedPayloadTypes: [{ pt: 18, packets: 250 }] } }) }));
    expect(ids(r)).toEqual(['payload-type-not-negotiated']);
    const v = r.verdicts[0];
    expect(v.text).toBe('the peer sends payload type 18, which the SDP did not agree on (we agreed on PCMU PT 0)');
    expect(v.evidence).toEqual(['250 packets with PT 18', '0 packets with PT 0', 'answer line 4: c=IN IP4 127.0.0.1; answer line 6: m=audio 6000 RTP/AVP 0 101']);
  });

  it('a stray payload type beside the agreed one is a note', () => {
    const r = judge(facts({ snapshot: snapshot({ received: { unexpectedPayloadTypes: [{ pt: 13, packets: 2 }] } }) }));
    expect(r.verdicts).toEqual([]);
    expect(r.notes).toEqual(['the peer sends payload type 13, which the SDP did not agree on (we agreed on PCMU PT 0)']);
  });

  it('silent-audio: packets flow, the level is −90 dBFS', () => {
    const r = judge(facts({ snapshot: snapshot({ received: { levelDbfs: -90, peakDbfs: -84, lossPct: 1.2 } }) }));
    expect(ids(r)).toEqual(['silent-audio']);
    const v = r.verdicts[0];
    expect(v.text).toBe('RTP flows (250 audio packets) but the audio is silent: -90.0 dBFS');
    expect(v.evidence).toEqual(['level -90.0 dBFS (below −60 dBFS)', 'loss 1.2 %']);
  });

  it('−59 dBFS is quiet, not silent', () => {
    expect(ids(judge(facts({ snapshot: snapshot({ received: { levelDbfs: -59 } }) })))).toEqual([]);
  });

  it('direction-mismatch: the answer says recvonly (we may only send), without a hold', () => {
    const a = agreed(answerSdp({ extra: ['a=recvonly'] }));
    expect(a.direction).toBe('sendonly');
    const r = judge(facts({ agreement: a, snapshot: snapshot({ received: NOTHING }) }));
    expect(ids(r)).toEqual(['direction-mismatch']);
    const v = r.verdicts[0];
    expect(v.text).toBe('we offered sendrecv; the answer leaves us sendonly: audio can only go from us to the peer');
    expect(v.evidence).toEqual(['answer line 4: c=IN IP4 127.0.0.1; answer line 6: m=audio 6000 RTP/AVP 0 101', 'answer line 9: a=recvonly']);
  });

  it('tone-not-heard: --expect-tone 440 and the detector never heard it (exit 5, not 6)', () => {
    const r = judge(facts({ snapshot: snapshot({ tone: { hz: 440, heard: false } }) }), { expectToneHz: 440 });
    expect(ids(r)).toEqual(['tone-not-heard']);
    expect(r.expectationFailed).toBe(true);
    const v = r.verdicts[0];
    expect(v.text).toBe("the peer's audio does not carry 440 Hz");
    expect(v.evidence).toEqual(['250 audio packets, level -20.0 dBFS', 'Goertzel ratio stayed below 0.5 (or the level below −40 dBFS) in every 20 ms block']);
  });

  it('the tone heard: no verdict, no expectation failure', () => {
    const r = judge(facts({ snapshot: snapshot({ tone: { hz: 440, heard: true, firstHeardMs: 1100, levelDbfs: -20 } }) }), { expectToneHz: 440 });
    expect(r.verdicts).toEqual([]);
    expect(r.expectationFailed).toBeUndefined();
  });
});

describe('mediaVerdicts: a refused answer', () => {
  it('media-rejected: m= port 0', () => {
    const refused = refusedBy(answerSdp({ port: 0 }));
    const r = judge(facts({ agreement: undefined, refused }));
    expect(ids(r)).toEqual(['media-rejected']);
    expect(r.verdicts[0].text).toBe('the peer rejected the audio stream (m= port 0, RFC 3264 §6)');
    expect(r.verdicts[0].evidence).toEqual(['answer line 6: m=audio 0 RTP/AVP 0 101: port 0: the peer rejected the audio stream (RFC 3264 §6)']);
  });

  it('srtp-required: RTP/SAVP only', () => {
    const refused = refusedBy(answerSdp({ proto: 'RTP/SAVP' }));
    const r = judge(facts({ agreement: undefined, refused }));
    expect(ids(r)).toEqual(['srtp-required']);
    expect(r.verdicts[0].text).toBe('the peer answers with SRTP (RTP/SAVP) only; sipcall offered plain RTP/AVP');
    expect(r.verdicts[0].evidence).toEqual(['answer line 6: m=audio 6000 RTP/SAVP 0 101: RTP/SAVP requires SRTP (RFC 3711), which sipcall does not do']);
  });

  it('codec-mismatch: no codec in common (G.729 only)', () => {
    const refused = refusedBy(answerSdp({ fmts: '18', extra: ['a=rtpmap:18 G729/8000'] }).replace('a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n', ''));
    expect(refused.reason).toBe('no-common-codec');
    const r = judge(facts({ agreement: undefined, refused }));
    expect(ids(r)).toEqual(['codec-mismatch']);
    const v = r.verdicts[0];
    expect(v.text).toMatch(/^no codec in common: /);
    expect(v.evidence[0]).toBe('answer line 6');
    expect(v.evidence.slice(1)).toEqual(refused.offered);
    expect(v.evidence.join('\n')).toMatch(/PCMU/);
    expect(v.evidence.join('\n')).toMatch(/G729/);
  });

  it('codec-mismatch: an unusable answer', () => {
    const refused: MediaRefused = { ok: false, reason: 'unusable-sdp', line: 6, text: 'm=audio 6000 UDP/TLS/RTP/SAVPF 111: transport UDP/TLS/RTP/SAVPF is not RTP/AVP (RFC 3551)' };
    const r = judge(facts({ agreement: undefined, refused }));
    expect(ids(r)).toEqual(['codec-mismatch']);
    expect(r.verdicts[0].text).toBe("the answer's SDP is unusable: m=audio 6000 UDP/TLS/RTP/SAVPF 111: transport UDP/TLS/RTP/SAVPF is not RTP/AVP (RFC 3551)");
    expect(r.verdicts[0].evidence).toEqual(['answer line 6']);
  });

  it('ordering: a refused answer returns only its verdict, whatever else the facts say', () => {
    const refused = refusedBy(answerSdp({ port: 0 }));
    const f = facts({
      refused,
      unreachable: { rtp: 5, rtcp: 5, firstMs: 1100 },
      local: { address: '192.168.1.10', port: 40_000 },
      snapshot: snapshot({ received: NOTHING }),
    });
    const r = judge(f, { viaReceived: { address: '81.2.69.160' }, expectToneHz: 440 });
    expect(ids(r)).toEqual(['media-rejected']);
    expect(r.notes).toEqual([]);
    expect(r.expectationFailed).toBeUndefined();
  });
});

describe('mediaVerdicts: hold and ordering', () => {
  it('hold with a=inactive: a note, not a failure', () => {
    const a = agreed(answerSdp({ extra: ['a=inactive'] }));
    expect(a.hold).toBe('inactive');
    const r = judge(facts({ agreement: a, snapshot: snapshot({ received: NOTHING, sent: { packets: 0 } }) }));
    expect(r.verdicts).toEqual([]);
    expect(r.notes).toEqual(['the answer puts the call on hold (inactive): no audio is expected that way (RFC 3264 §8.4)']);
  });

  it('hold with c=0.0.0.0 (RFC 2543) and the peer sending music on hold: a note, not a failure', () => {
    const a = agreed(answerSdp({ c: '0.0.0.0', extra: ['a=sendonly'] }));
    expect(a.hold).toBe('c=0.0.0.0');
    const sources = [{ address: '198.51.100.20', port: 7000, packets: 250, firstMs: 1010, lastMs: 5990 }];
    const r = judge(facts({ agreement: a, snapshot: snapshot({ received: { sources }, sent: { packets: 0 } }) }));
    expect(r.notes[0]).toBe('the answer puts the call on hold (c=0.0.0.0): no audio is expected that way (RFC 3264 §8.4)');
    // RTP cannot come "from" 0.0.0.0: a source other than the c= address is no fault on hold.
    expect(r.verdicts).toEqual([]);
  });

  it('hold with c=0.0.0.0 (RFC 2543) and nothing received: a note, not a failure', () => {
    // A plain RFC 2543 hold: c=0.0.0.0 with the default direction. No audio is expected, so
    // silence from the peer must not become no-rtp-received.
    const a = agreed(answerSdp({ c: '0.0.0.0' }));
    expect(a.hold).toBe('c=0.0.0.0');
    const r = judge(facts({ agreement: a, snapshot: snapshot({ received: NOTHING, sent: { packets: 0 } }) }));
    expect(r.notes).toEqual(['the answer puts the call on hold (c=0.0.0.0): no audio is expected that way (RFC 3264 §8.4)']);
    expect(r.verdicts).toEqual([]);
  });

  it('chain order: ICMP, then address trouble, then no RTP', () => {
    const f = facts({
      agreement: agreed(answerSdp({ c: '10.0.0.7' })),
      unreachable: { rtp: 1, rtcp: 0, firstMs: 1020 },
      local: { address: '192.168.1.10', port: 40_000 },
      snapshot: snapshot({ received: NOTHING }),
    });
    const r = judge(f, { signallingPeer: '81.2.69.160:5060', viaReceived: { address: '81.2.69.161', port: 5060 } });
    expect(ids(r)).toEqual(['rtp-port-unreachable', 'private-address-in-sdp', 'sdp-address-not-reachable', 'no-rtp-received']);
  });

  it('chain order: no RTP is named before quality, and the tone verdict comes last', () => {
    const a = agreed(answerSdp({ extra: ['a=sendonly'] })); // the peer only sends: we recvonly, a hold
    const r = judge(facts({ agreement: a, snapshot: snapshot({ received: NOTHING, sent: { packets: 0 } }) }), { expectToneHz: 440 });
    expect(ids(r)).toEqual(['no-rtp-received', 'tone-not-heard']);
    expect(r.expectationFailed).toBe(true);
  });
});
