import { Headers } from '../../src/sip/headers.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { serialize } from '../../src/sip/serialize.js';
import type { SipEvent, TransportName } from '../../src/events/types.js';
import { TransactionLayer } from '../../src/transaction/transaction-layer.js';
import type { ClientTransaction } from '../../src/transaction/client-transaction.js';
import type { ResponseInfo, TransactionEnd } from '../../src/transaction/ports.js';
import { timerConfig, type TimerOptions } from '../../src/transaction/timer-config.js';
import { ManualClock } from '../support/manual-clock.js';

export const PEER = '127.0.0.1:5060';

export function makeRequest(method: string, branch: string, opts: { routes?: string[]; seq?: number } = {}): SipRequest {
  const headers = new Headers()
    .append('Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=${branch};rport`)
    .append('Max-Forwards', '70');
  for (const r of opts.routes ?? []) headers.append('Route', r);
  headers
    .append('From', '"Alice" <sip:alice@127.0.0.1>;tag=from1')
    .append('To', '<sip:bob@127.0.0.1>')
    .append('Call-ID', `call-${branch}@127.0.0.1`)
    .append('CSeq', `${opts.seq ?? 1} ${method}`)
    .append('Content-Length', '0');
  return { kind: 'request', method, uri: 'sip:bob@127.0.0.1:5060', version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}

const REASONS: Record<number, string> = { 100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 202: 'Accepted', 404: 'Not Found', 486: 'Busy Here', 503: 'Service Unavailable', 603: 'Decline' };

/** A response to `req` as a UAS would write it (§8.2.6.2): Via rows, From, To (+tag), Call-ID, CSeq copied. */
export function makeResponse(req: SipRequest, status: number, toTag: string | undefined = status > 100 ? 'to1' : undefined): SipResponse {
  const headers = new Headers();
  for (const v of req.headers.getAll('via')) headers.append('Via', v);
  headers.append('From', req.headers.get('from') ?? '');
  const to = req.headers.get('to') ?? '';
  headers.append('To', toTag ? `${to};tag=${toTag}` : to);
  headers.append('Call-ID', req.headers.get('call-id') ?? '');
  headers.append('CSeq', req.headers.get('cseq') ?? '');
  headers.append('Content-Length', '0');
  return { kind: 'response', status, reason: REASONS[status] ?? 'Whatever', version: 'SIP/2.0', headers, body: new Uint8Array(0) };
}

export interface Sent {
  t: number;
  text: string;
  /** First word of the start line: INVITE, ACK, OPTIONS, … */
  method: string;
}

/** A transaction layer on a manual clock that records everything. */
export class Harness {
  readonly clock = new ManualClock();
  readonly events: SipEvent[] = [];
  readonly sent: Sent[] = [];
  readonly responses: Array<{ t: number; status: number; info: ResponseInfo }> = [];
  readonly ends: Array<{ t: number; end: TransactionEnd }> = [];
  /** Timers still armed on the clock, and live transactions, when each TU heard of the end. */
  readonly leftAtEnd: Array<{ timers: number; live: number }> = [];
  readonly layer = new TransactionLayer({ clock: this.clock, emit: (e) => this.events.push(e) });
  /** When set, the send port throws this error. */
  failSends: (Error & { code?: string }) | undefined;
  request: SipRequest | undefined;

  start(method: string, opts: { transport?: TransportName; timers?: TimerOptions; branch?: string; routes?: string[] } = {}): ClientTransaction {
    const transport = opts.transport ?? 'UDP';
    const reliable = transport !== 'UDP';
    const req = makeRequest(method, opts.branch ?? 'z9hG4bKtest1', { routes: opts.routes });
    this.request = req;
    return this.layer.send(
      req,
      {
        transport,
        reliable,
        to: PEER,
        timers: timerConfig({ ...opts.timers, reliable }),
        port: (bytes) => {
          if (this.failSends) throw this.failSends;
          const text = Buffer.from(bytes).toString('utf8');
          this.sent.push({ t: this.clock.now(), text, method: text.slice(0, text.indexOf(' ')) });
        },
      },
      {
        onResponse: (res, info) => this.responses.push({ t: this.clock.now(), status: res.status, info }),
        onTerminated: (end) => {
          this.ends.push({ t: this.clock.now(), end });
          this.leftAtEnd.push({ timers: this.clock.pending, live: this.layer.size });
        },
      },
    );
  }

  /** Delivers a response to the current request at time `t`. */
  respond(t: number, status: number, toTag?: string, req: SipRequest | undefined = this.request): boolean {
    this.clock.advanceTo(t);
    const res = toTag === undefined ? makeResponse(req!, status) : makeResponse(req!, status, toTag);
    return this.layer.receive(res, PEER, 'UDP', serialize(res));
  }

  sendTimes(method: string): number[] {
    return this.sent.filter((s) => s.method === method).map((s) => s.t);
  }

  of<T extends SipEvent['type']>(type: T): Array<Extract<SipEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<SipEvent, { type: T }> => e.type === type);
  }

  /** `t:A` for each timer event of this kind. */
  timers(type: 'timer.started' | 'timer.fired' | 'timer.stopped'): string[] {
    return this.of(type).map((e) => `${e.t}:${e.timer}`);
  }

  transitions(): string[] {
    return this.of('transaction.state').map((e) => `${e.t}:${e.from}>${e.to}`);
  }
}
