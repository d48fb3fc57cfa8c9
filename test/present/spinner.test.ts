import { describe, expect, it } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import { PrettyPresenter } from '../../src/present/pretty.js';
import { SpinnerController, type SpinnerLike } from '../../src/present/spinner.js';
import { fullCall } from './fixtures.js';
import { Collector } from './support.js';

/** A spinner that records what happens to it, in one log with the stdout writes. */
class FakeSpinner implements SpinnerLike {
  isSpinning = false;
  text = '';
  constructor(private readonly log: string[]) {}
  start(): this {
    this.isSpinning = true;
    this.log.push(`start ${this.text}`);
    return this;
  }
  stop(): this {
    this.isSpinning = false;
    this.log.push('stop');
    return this;
  }
}

function setup(): { log: string[]; presenter: PrettyPresenter; spinner: FakeSpinner } {
  const log: string[] = [];
  const spinner = new FakeSpinner(log);
  const stdout = new Collector();
  const write = stdout.write.bind(stdout);
  stdout.write = ((chunk: string) => {
    log.push(`write spinning=${spinner.isSpinning}`);
    return write(chunk);
  }) as typeof stdout.write;
  const presenter = new PrettyPresenter(
    { mode: 'pretty', colorLevel: 0, verbose: false, quiet: false, ladder: false, spinner: true, stdout, stderr: new Collector() },
    async () => spinner,
  );
  return { log, presenter, spinner };
}

describe('spinner', () => {
  it('starts once loaded with the latest wait, and never spins while stdout is written', async () => {
    const { log, presenter, spinner } = setup();
    const events = fullCall();
    const firstWait = events.findIndex((e) => e.type === 'waiting');
    for (const e of events.slice(0, firstWait + 1)) presenter.onEvent(e);
    expect(log.some((l) => l.startsWith('start'))).toBe(false); // not loaded yet
    await presenter.spinner!.ready;
    expect(log.at(-1)).toBe('start a final response to INVITE — 32 s left');
    for (const e of events.slice(firstWait + 1)) presenter.onEvent(e);
    presenter.finish();
    expect(log.filter((l) => l.startsWith('write')).length).toBeGreaterThan(5);
    expect(log.filter((l) => l === 'write spinning=true')).toEqual([]);
    expect(spinner.isSpinning).toBe(false);
    expect(log.filter((l) => l.startsWith('start')).at(-1)).toMatch(/^start the callee to answer — \d+ s left$/);
  });

  it('never starts when the run finished before ora loaded', async () => {
    const { log, presenter } = setup();
    presenter.onEvent({ type: 'waiting', t: 0, what: 'x', timeoutMs: 1000 } as SipEvent);
    presenter.finish();
    await presenter.spinner!.ready;
    expect(log.filter((l) => l.startsWith('start'))).toEqual([]);
  });

  it('counts the time left from its own clock', async () => {
    let now = 1_000;
    const c = new SpinnerController(async () => new FakeSpinner([]), () => now);
    c.waiting({ type: 'waiting', t: 0, what: 'a final response', timeoutMs: 32_000 });
    expect(c.text()).toBe('a final response — 32 s left');
    now += 10_500;
    expect(c.text()).toBe('a final response — 22 s left');
    now += 60_000;
    expect(c.text()).toBe('a final response — 0 s left');
    c.waiting({ type: 'waiting', t: 0, what: 'Ctrl-C to hang up' });
    expect(c.text()).toBe('Ctrl-C to hang up');
    c.end();
  });

  it('a failing loader leaves the lines alone', async () => {
    const stdout = new Collector();
    const p = new PrettyPresenter(
      { mode: 'pretty', colorLevel: 0, verbose: false, quiet: false, ladder: false, spinner: true, stdout, stderr: new Collector() },
      () => Promise.reject(new Error('no ora')),
    );
    for (const e of fullCall()) p.onEvent(e);
    await p.spinner!.ready;
    p.finish();
    expect(stdout.text).toContain('← 180 Ringing');
  });
});
