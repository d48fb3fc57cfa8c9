// The live status line of a call on the spinner (src/present/call-status.ts, spinner.ts) and
// the output hold a prompt takes (PrettyPresenter.holdOutput).
import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { clockTime } from '../../src/present/call-status.js';
import { PrettyPresenter } from '../../src/present/pretty.js';
import { SpinnerController, type SpinnerLike } from '../../src/present/spinner.js';
import { Collector } from './support.js';

class FakeSpinner implements SpinnerLike {
  isSpinning = false;
  text = '';
  start(): this {
    this.isSpinning = true;
    return this;
  }
  stop(): this {
    this.isSpinning = false;
    return this;
  }
}

const CALL_ID = 'c1@sipcall';
const established: SipEvent = { type: 'dialog.established', t: 250, callId: CALL_ID, localTag: 'a', remoteTag: 'b', localCseq: 1, remoteTarget: 'sip:bob@127.0.0.1', routeSet: [] };
const inCall: SipEvent = { type: 'waiting', t: 251, what: 'call in progress; h hangs up, ? shows the keys' };
const started: SipEvent = {
  type: 'media.started', t: 252, local: '127.0.0.1:40000', remote: '127.0.0.1:40002', remoteRtcp: '127.0.0.1:40003', codec: 'PCMU',
  payloadType: 0, ptimeMs: 20, direction: 'sendrecv', source: 'silence', early: false, ssrc: 1, sdp: [],
};
function stats(second: number, out: number, inn: number, lossPct: number, jitterMs: number): SipEvent {
  return { type: 'media.stats', t: 252 + second * 1000, second, sent: { packets: 50, total: out }, received: { packets: 50, total: inn, lost: 0, lossPct, jitterMs }, sendJitterP99Ms: 0.1 };
}
const note = (code: string): SipEvent => ({ type: 'note', t: 3000, level: 'info', code, text: code });

async function controller(): Promise<{ c: SpinnerController; spinner: FakeSpinner; advance(ms: number): void }> {
  let now = 1_000_000;
  const spinner = new FakeSpinner();
  const c = new SpinnerController(async () => spinner, () => now);
  await c.ready;
  return { c, spinner, advance: (ms) => void (now += ms) };
}

function feed(c: SpinnerController, ...events: SipEvent[]): void {
  for (const e of events) {
    c.track(e);
    if (e.type === 'waiting') c.waiting(e);
  }
}

describe('the call status line', () => {
  it('call time, codec, packets out and in, loss, jitter; on hold while held', async () => {
    const { c, spinner, advance } = await controller();
    feed(c, { type: 'waiting', t: 0, what: 'the callee to answer', timeoutMs: 60_000 });
    expect(c.text()).toBe('the callee to answer — 60 s left');
    feed(c, established);
    // a wait from before the call is not a call's wait: no status on it
    expect(c.text()).toBe('the callee to answer — 60 s left');
    feed(c, inCall);
    expect(c.text()).toBe('call 0:00 · call in progress; h hangs up, ? shows the keys');
    feed(c, started);
    expect(c.text()).toBe('call 0:00  PCMU · call in progress; h hangs up, ? shows the keys');
    advance(1000);
    feed(c, stats(1, 50, 49, 2, 1.234));
    expect(c.text()).toBe('call 0:01  PCMU  out 50  in 49  loss 2.0 %  jitter 1.2 ms · call in progress; h hangs up, ? shows the keys');
    expect(spinner.text).toBe(c.text()); // refreshed at once, not at the next tick
    feed(c, note('on-hold'));
    expect(c.text()).toMatch(/jitter 1\.2 ms {2}on hold · call in progress/);
    feed(c, note('resumed'));
    expect(c.text()).not.toMatch(/on hold/);
    advance(72_000);
    expect(c.text()).toMatch(/^call 1:13 {2}PCMU/);
    // the BYE: its wait still shows the call until the dialog ends
    feed(c, { type: 'waiting', t: 80_000, what: 'a response to BYE', timeoutMs: 32_000 });
    expect(c.text()).toMatch(/^call 1:13 {2}PCMU {2}out 50 .* · a response to BYE — 32 s left$/);
    feed(c, { type: 'dialog.terminated', t: 80_010, callId: CALL_ID, localTag: 'a', remoteTag: 'b', reason: 'BYE' });
    expect(c.text()).toBe('a response to BYE — 32 s left');
    c.end();
  });

  it('without media: the call time alone, still ticking', async () => {
    const { c, advance } = await controller();
    feed(c, established, inCall);
    advance(3_600_000 + 62_000);
    expect(c.text()).toBe('call 1:01:02 · call in progress; h hangs up, ? shows the keys');
    c.end();
  });

  it('clockTime', () => {
    expect([0, 999, 7_000, 750_000, 3_723_000].map(clockTime)).toEqual(['0:00', '0:00', '0:07', '12:30', '1:02:03']);
  });
});

describe('PrettyPresenter.holdOutput (a prompt has the terminal)', () => {
  function setup(): { presenter: PrettyPresenter; stdout: Collector; spinner: FakeSpinner } {
    const spinner = new FakeSpinner();
    const stdout = new Collector();
    const presenter = new PrettyPresenter(
      { mode: 'pretty', colorLevel: 0, verbose: false, quiet: false, ladder: false, spinner: true, stdout, stderr: new Collector() },
      async () => spinner,
    );
    return { presenter, stdout, spinner };
  }

  it('no spinner and no lines while held; the lines come, in order, when released', async () => {
    const { presenter, stdout, spinner } = setup();
    await presenter.spinner!.ready;
    presenter.onEvent(established);
    presenter.onEvent(inCall);
    expect(spinner.isSpinning).toBe(true);
    const before = stdout.text;
    const release = presenter.holdOutput();
    expect(spinner.isSpinning).toBe(false);
    presenter.onEvent(note('one'));
    presenter.onEvent(stats(1, 50, 50, 0, 0.5));
    expect(spinner.isSpinning).toBe(false);
    expect(stdout.text).toBe(before);
    release();
    expect(stdout.text.slice(before.length)).toMatch(/· one\n.*♪ media {2}1 s {2}out 50/);
    expect(spinner.isSpinning).toBe(true);
    release(); // twice is once
    presenter.finish();
    expect(spinner.isSpinning).toBe(false);
  });

  it('the result releases a hold still open', async () => {
    const { presenter, stdout, spinner } = setup();
    await presenter.spinner!.ready;
    presenter.onEvent(established);
    presenter.holdOutput();
    presenter.onEvent(note('held back'));
    presenter.onEvent({ type: 'result', t: 5000, outcome: 'success', status: 200, reason: 'OK', statusLocal: false, exitCode: 0, durationMs: 5000, summary: 'done' } as SipEvent);
    expect(stdout.text).toMatch(/· held back\n\n✓ success/);
    expect(spinner.isSpinning).toBe(false);
    presenter.finish();
  });
});
