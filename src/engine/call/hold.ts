/**
 * Holding the call ourselves (RFC 3264 §8.4: "If the stream to be placed on hold was previously
 * a sendrecv media stream, it is placed on hold by marking it sendonly"), and resuming it with
 * sendrecv: by `--hold-after` / `--hold-for`, or by the in-call key H. Each goes out as our
 * re-INVITE (reinvite.ts); while held, RTP from the peer is watched (hold-watch.ts).
 */
import type { Verdict } from '../../events/types.js';
import type { CallHost } from './call-host.js';
import { HoldWatch } from './hold-watch.js';
import type { ReInvite } from './reinvite.js';

export class Hold {
  /** On hold by our own re-INVITE (key H). */
  private heldByUs = false;
  /** The hold window and what the peer sent in it (hold-not-honoured). */
  private holdWatch?: HoldWatch;

  constructor(
    private readonly call: CallHost,
    private readonly reinvite: ReInvite,
  ) {}

  /** True while the call is on hold (by us). */
  get held(): boolean {
    return this.heldByUs;
  }

  /** The direction a session refresh offers: sendonly while a hold's watch has not ended. */
  get refreshDirection(): 'sendonly' | 'sendrecv' {
    return this.holdWatch && !this.holdWatch.ended ? 'sendonly' : 'sendrecv';
  }

  /** The verdict `hold-not-honoured` when the peer kept sending while held, else undefined. */
  verdict(): Verdict | undefined {
    return this.holdWatch?.verdict();
  }

  /**
   * `--hold-after S` puts the call on hold S seconds after the ACK (re-INVITE with a=sendonly,
   * RFC 3264 §8.4), `--hold-for T` resumes it T seconds later (a=sendrecv). While held, the
   * peer must stop sending: RTP from it after a 0.5 s grace is the verdict `hold-not-honoured`.
   */
  schedule(): void {
    const { plan, clock } = this.call;
    const after = plan.holdAfterS;
    if (after === undefined) return;
    this.call.keep(
      clock.setTimer(after * 1000, () => {
        void this.reinvite.send('sendonly', 'hold').then((ok) => {
          if (!ok) return;
          const watch = this.onHold();
          const holdFor = plan.holdForS;
          if (holdFor === undefined) return;
          this.call.keep(
            clock.setTimer(holdFor * 1000, () => {
              watch.end(clock.now());
              void this.reinvite.send('sendrecv', 'resume').then((back) => {
                if (!back) return;
                this.resumed();
              });
            }),
          );
        });
      }),
    );
  }

  /** Key H: holds, or resumes when held; the new state, or undefined when the peer refused. */
  async toggle(): Promise<'held' | 'resumed' | undefined> {
    if (this.heldByUs) {
      const ok = await this.reinvite.send('sendrecv', 'resume');
      if (!ok) return undefined;
      this.holdWatch?.end(this.call.clock.now());
      this.resumed();
      return 'resumed';
    }
    const ok = await this.reinvite.send('sendonly', 'hold');
    if (!ok) return undefined;
    this.onHold();
    return 'held';
  }

  /** The peer accepted our sendonly: the call is held, and what the peer sends from now on is watched. */
  private onHold(): HoldWatch {
    const { clock, ctx } = this.call;
    this.heldByUs = true;
    ctx.session.emit({ type: 'note', level: 'info', code: 'on-hold', text: 'on hold: we sent a=sendonly; the peer should stop sending (RFC 3264 §8.4)' });
    const watch = new HoldWatch(clock.now(), () => this.call.media?.receivedPackets ?? 0);
    this.holdWatch = watch;
    this.call.keep(clock.setTimer(500, () => watch.graceOver(clock.now())));
    return watch;
  }

  private resumed(): void {
    this.heldByUs = false;
    this.call.ctx.session.emit({ type: 'note', level: 'info', code: 'resumed', text: 'resumed: we sent a=sendrecv' });
  }
}
