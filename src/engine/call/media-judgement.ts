/**
 * The media's word on a call that has ended (docs/media.md): the stream stops, its summary
 * (RFC 3550 §6.4.1 receive figures: "fraction lost", "cumulative number of packets lost",
 * "interarrival jitter") goes on the outcome, and its verdicts, with `hold-not-honoured`
 * (RFC 3264 §8.4) first, turn an answered call into a media failure (exit 6).
 */
import type { Verdict } from '../../events/types.js';
import type { SipResponse } from '../../sip/message.js';
import { parseVia } from '../../sip/via.js';
import type { CallMedia } from '../call-media.js';
import type { RunOutcome } from '../outcome.js';
import type { UacContext } from '../uac-context.js';

/** Stops the media, attaches its summary and verdicts to the outcome (docs/media.md). */
export function judgeMedia(media: CallMedia, outcome: RunOutcome, ctx: UacContext, answer: SipResponse | undefined, holdVerdict: () => Verdict | undefined): void {
  const top = answer?.headers.list('via')[0];
  const via = top ? parseVia(top) : null;
  const viaReceived = via && (via.received || typeof via.rport === 'number') ? { address: via.received ?? ctx.localHost, port: typeof via.rport === 'number' ? via.rport : undefined } : undefined;
  const { summary, judged } = media.finish(outcome.outcome === 'interrupted' ? 'interrupted' : 'call ended', { signallingPeer: ctx.session.peer, viaReceived });
  if (summary) outcome.media = summary;
  if (!answer) return;
  if (judged.tooShort) outcome.summary += `; ${judged.tooShort}`;
  for (const n of judged.notes) ctx.session.emit({ type: 'note', level: 'info', code: 'media-note', text: n });
  const hold = holdVerdict();
  if (hold) judged.verdicts.unshift(hold);
  if (judged.verdicts.length === 0) return;
  const [first, ...rest] = judged.verdicts;
  outcome.verdict = first;
  if (rest.length) outcome.alsoVerdicts = rest;
  if (outcome.outcome === 'success') {
    outcome.outcome = judged.expectationFailed && first.id === 'tone-not-heard' ? 'expectation-failed' : 'media-failure';
    outcome.summary += ` — but ${first.text}`;
  }
}
