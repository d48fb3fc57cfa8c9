import dgram from 'node:dgram';
import { once } from 'node:events';
import type { RandomSource } from '../sip/ids.js';
import { parseTarget } from './target.js';
import type { CallControls } from './call/controls.js';
import type { RunOutcome } from './outcome.js';
import type { InvitePlan } from './plan.js';
import type { EngineEnv } from './session.js';
import { AutoAnswer } from './uas.js';
import { runUac } from './run-uac.js';
import type { MediaPlan } from './media-plan.js';

/** The demo's media: the UAS plays 440 Hz, the caller 1 kHz and listens for the 440. */
const DEMO_UAS_MEDIA: MediaPlan = { play: { kind: 'tone', freqsHz: [440], dbfs: -20 }, dtmfMode: 'auto', timeoutS: 2, checkEcho: false, lateOffer: false };
const DEMO_CALLER_MEDIA: MediaPlan = { play: { kind: 'tone', freqsHz: [1000], dbfs: -20 }, dtmfMode: 'auto', timeoutS: 2, checkEcho: false, lateOffer: false, expectToneHz: 440 };

/** T1 for `demo timeout`: scaled down so Timer B (64·T1) ends in 3.2 s rather than 32 s. */
export const DEMO_TIMEOUT_T1 = 50;

function invitePlan(host: string, port: number, t1: number, userAgent: string): InvitePlan {
  const target = parseTarget(`sip:demo@${host}:${port}`);
  return {
    kind: 'invite',
    target,
    destination: { host, port },
    net: { transport: 'udp', transportForced: false, t1, t2: Math.max(4000, t1), t4: 5000 },
    request: { headers: [], userAgent },
    sdp: true,
    durationS: 3,
    ringTimeoutS: 60,
    media: DEMO_CALLER_MEDIA,
  };
}

/**
 * `sipcall demo`: starts sipcall's own auto-answering UAS on a free loopback port, in process,
 * and calls it: INVITE → 100 → 180 → 200 → ACK → (3 s of RTP both ways) → BYE → 200. Only the caller's side is
 * shown (the UAS's events go to `uasSink`, normally nowhere).
 */
export async function runDemoCall(env: EngineEnv, controls: CallControls, userAgent: string, random?: RandomSource): Promise<RunOutcome> {
  const uas = new AutoAnswer(
    { kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 300, t1: 500, t2: 4000, userAgent: 'sipcall-answer/0.1', media: DEMO_UAS_MEDIA },
    { clock: env.clock, sink: () => {} },
    random,
  );
  const local = await uas.start();
  env.sink({ type: 'note', t: env.clock.now(), level: 'info', text: `demo: sipcall's own UAS answers on ${local.address}:${local.port} (UDP); calling it for 3 s with audio both ways (it plays 440 Hz, we play 1 kHz)` });
  try {
    return await runUac(invitePlan(local.address, local.port, 500, userAgent), env, controls, random);
  } finally {
    await uas.close();
  }
}

/**
 * `sipcall demo timeout`: calls a loopback UDP port that is open but never answers, with
 * T1 = 50 ms, so the RFC 3261 Timer A retransmissions (50, 100, 200, … ms apart, doubling with
 * no cap) and Timer B (64·T1 = 3.2 s) are seen in seconds.
 */
export async function runDemoTimeout(env: EngineEnv, controls: CallControls, userAgent: string, random?: RandomSource): Promise<RunOutcome> {
  const silent = dgram.createSocket('udp4');
  silent.on('message', () => {});
  silent.bind(0, '127.0.0.1');
  await once(silent, 'listening');
  const { port } = silent.address();
  env.sink({
    type: 'note',
    t: env.clock.now(),
    level: 'info',
    text: `demo timeout: 127.0.0.1:${port} receives but never answers; T1 = ${DEMO_TIMEOUT_T1} ms, so Timer B fires at ${(64 * DEMO_TIMEOUT_T1) / 1000} s`,
  });
  try {
    return await runUac(invitePlan('127.0.0.1', port, DEMO_TIMEOUT_T1, userAgent), env, controls, random);
  } finally {
    silent.close();
  }
}
