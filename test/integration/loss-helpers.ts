// Shared by the loss suite (test/integration/loss-*.test.ts): the relay's faults, `sipcall answer`
// spawned as the UAS, and the checks every lossy run must pass.
//
// What the loss predicts. The relay (test/support/fault-relay.ts) drops each datagram with
// probability p in each direction, then sends a request it lets through twice with probability
// d (duplication), and holds 5 % of the datagrams ≤ 20 ms to reorder them (well under T1 = 50 ms:
// reordering does not cost a retransmission here). A client transaction sends its request once per
// attempt (RFC 3261 §17.1.1.2 Timer A, §17.1.2.2 Timer E) until a response comes back. When the
// server answers each copy it receives (a stateless OPTIONS/REGISTER answer, or a server
// transaction re-sending its last response, §17.2.1/§17.2.2), an attempt comes back with
//
//   s = (1 − p) · (1 − p·(1 − d + d·p))        (the request gets through; its one answer, or one
//                                               of the two answers to its two copies, does too)
//
// so the sends per transaction N are geometric: E[N] = 1/s, Var[N] = (1 − s)/s². The mean over n
// transactions must then lie within 4·σ/√n of 1/s (a false alarm once in ~16 000 runs), plus a
// small allowance for the machine: a response delayed past T1 on a busy machine costs one more
// send that the loss did not cause. An INVITE is answered at once by 100 and then by 180 and the
// final, so one attempt may come back more than once: its E[N] lies between 1/(1 − p) (only the
// request's loss counts) and 1/s (one answer per copy); that range is what is tested for it.
//
// LOSS_STATS=1 npx vitest run test/integration/loss-uas.test.ts prints the figures (stderr).
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SipEvent } from '../../src/events/types.js';
import type { FaultRelay, FaultRules, RelayLogEntry } from '../support/fault-relay.js';
import { signalPeer, spawnManaged, type ManagedProcess } from '../support/peers/process.js';
import { ofType, parseLines } from './kamailio-helpers.js';

/** T1 = 50 ms, T2 = 100 ms: Timer F/B = 64·T1 = 3.2 s. */
export const TIMERS = ['--t1', '50', '--t2', '100'];

/** Duplication and reordering applied with every loss rate. */
export const DUPLICATE = 0.1;
export const REORDER = 0.05;

export function lossRules(p: number, seed: number): FaultRules {
  return { dropRate: p, duplicateRate: DUPLICATE, reorderRate: REORDER, seed };
}

/** Probability that one attempt of a transaction gets an answer back (see above). */
export function attemptSuccess(p: number, d = DUPLICATE): number {
  return (1 - p) * (1 - p * (1 - d + d * p));
}

/** One client transaction as sipcall's events tell it. */
export interface ClientTx {
  method: string;
  branch: string;
  callId: string;
  sends: number;
  /** The states it went through (RFC 3261 Figures 5 and 6, RFC 6026 Accepted), after Initial. */
  states: string[];
  /** Final responses passed up (first copies; a re-sent 2xx is passed up again and not counted). */
  finals: number[];
  /** transaction.terminated events that did not come from a final response (timeout, transport). */
  failures: string[];
}

/** The client transactions of one run (ACKs are not transactions: RFC 3261 §17.1.1.3, §13.2.2.4). */
export function clientTransactions(events: SipEvent[]): ClientTx[] {
  const byBranch = new Map<string, ClientTx>();
  const get = (branch: string, method: string, callId = ''): ClientTx => {
    const key = `${branch} ${method}`;
    let tx = byBranch.get(key);
    if (!tx) {
      tx = { method, branch, callId, sends: 0, states: [], finals: [], failures: [] };
      byBranch.set(key, tx);
    }
    return tx;
  };
  for (const e of events) {
    if (e.type === 'request.sent' && e.method !== 'ACK') {
      const tx = get(e.branch, e.method, e.callId);
      tx.callId ||= e.callId;
      tx.sends++;
    } else if (e.type === 'transaction.state') get(e.branch, e.method).states.push(e.to);
    else if (e.type === 'response.received' && e.status >= 200 && !e.retransmission && e.method !== 'ACK') get(e.branch, e.method).finals.push(e.status);
    else if (e.type === 'transaction.terminated' && e.outcome !== 'final') get(e.branch, e.method).failures.push(`${e.outcome} ${e.status ?? ''}${e.local ? ' (local)' : ''}`);
  }
  return [...byBranch.values()].filter((t) => t.sends > 0);
}

/**
 * The paths RFC 3261 allows a client transaction that got its final response: non-INVITE
 * Trying → (Proceeding) → Completed (→ Terminated at Timer K) (Figure 6); INVITE Calling →
 * (Proceeding) → Completed on a 300–699 (ACK sent, Figure 5) or Accepted on a 2xx (RFC 6026
 * §7.2) (→ Terminated at Timer D / M). sipcall ends the run at the final, so Terminated may not
 * be reached.
 */
const PATHS: Readonly<Record<'INVITE' | 'other', RegExp>> = {
  INVITE: /^Calling( Proceeding)? (Completed|Accepted)( Terminated)?$/,
  other: /^Trying( Proceeding)? Completed( Terminated)?$/,
};

/** Each transaction went the RFC's way to one final response from the wire, never to a timeout. */
export function expectEndedOnFinal(txs: ClientTx[], what: string): void {
  const odd = txs.filter((t) => !PATHS[t.method === 'INVITE' ? 'INVITE' : 'other'].test(t.states.join(' ')) || t.finals.length !== 1 || t.failures.length > 0);
  expect(odd.map((t) => `${t.method} ${t.branch} (${t.callId}): states ${t.states.join(' → ')}; finals [${t.finals.join(', ')}]; ${t.failures.join(', ')}`), what).toEqual([]);
}

export interface SendStats {
  n: number;
  mean: number;
  /** The expected mean (1/s) or, for INVITE, the range [1/(1 − p), 1/s]. */
  low: number;
  high: number;
  /** 4·σ/√n with σ from the geometric law at s. */
  tolerance: number;
}

/**
 * Sends per transaction against the loss: the mean must lie in [low − tol, high + tol + slack].
 * `slack` is the machine allowance in sends per transaction (default 0.15).
 */
export function expectPlausibleSends(txs: ClientTx[], p: number, invite: boolean, what: string, slack = 0.15): SendStats {
  const s = attemptSuccess(p);
  const n = txs.length;
  const mean = txs.reduce((a, t) => a + t.sends, 0) / n;
  const sigma = Math.sqrt((1 - s) / (s * s));
  const tolerance = (4 * sigma) / Math.sqrt(n);
  const low = invite ? 1 / (1 - p) : 1 / s;
  const high = 1 / s;
  const stats = { n, mean, low, high, tolerance };
  const text = `${what}: ${n} transactions, ${mean.toFixed(3)} sends each; expected ${invite ? `${low.toFixed(3)}–${high.toFixed(3)}` : high.toFixed(3)} ± ${tolerance.toFixed(3)} (+${slack} for the machine)`;
  if (process.env.LOSS_STATS) process.stderr.write(`${text}\n`);
  expect(mean, text).toBeGreaterThanOrEqual(low - tolerance);
  expect(mean, text).toBeLessThanOrEqual(high + tolerance + slack);
  return stats;
}

/**
 * From the relay's side: once a response of a transaction (Call-ID and CSeq) was passed to
 * sipcall, at most one more copy of its request may follow (a retransmission timer that fired
 * while the answer was on its way); a second one would be a retransmission that no loss explains.
 * Returns the number of such "crossing" copies.
 */
export function expectNoSendsAfterAnswer(log: readonly RelayLogEntry[], what: string): number {
  const byTx = new Map<string, RelayLogEntry[]>();
  for (const l of log) {
    if (!l.callId || !l.cseq || l.cseq.endsWith(' ACK')) continue;
    const key = `${l.callId} ${l.cseq}`;
    const list = byTx.get(key) ?? [];
    list.push(l);
    byTx.set(key, list);
  }
  let crossing = 0;
  let checked = 0;
  const bad: string[] = [];
  for (const [key, list] of byTx) {
    const answered = list.findIndex((l) => l.direction === 'to-client' && l.action === 'forwarded' && /^SIP\/2\.0 /.test(l.line));
    if (answered < 0) continue;
    checked++;
    const after = list.slice(answered + 1).filter((l) => l.direction === 'to-peer').length;
    crossing += after;
    if (after > 1) bad.push(`${key}: ${after} copies after the answer was passed on\n${list.map((l) => `  ${l.t} ${l.direction} ${l.action} ${l.line}`).join('\n')}`);
  }
  if (process.env.LOSS_STATS) process.stderr.write(`${what}: ${crossing} copies crossed the answer\n`);
  expect(checked, `${what}: transactions answered in the relay's log`).toBeGreaterThan(0);
  expect(bad, what).toEqual([]);
  return crossing;
}

/**
 * How many calls the loss may fail at Timer B: an INVITE whose every copy or every answer was lost
 * within its 7 sends (0, 1, 3, 7, 15, 31, 63·T1 before Timer B at 64·T1, RFC 3261 §17.1.1.2). With
 * `invites` INVITEs answered one copy at a time per call (a challenged call has two), a call fails
 * so with probability at most invites·(1 − s)⁷; the count over n calls is then about Poisson(λ).
 * Returns the k with P(X > k) < 10⁻⁴: more failures than that are not the loss.
 */
export function allowedTimerBFailures(n: number, p: number, invites: number): number {
  const lambda = n * invites * (1 - attemptSuccess(p)) ** 7;
  let k = 0;
  let term = Math.exp(-lambda);
  let cdf = term;
  while (1 - cdf >= 1e-4) {
    k++;
    term *= lambda / k;
    cdf += term;
  }
  return k;
}

/** The relay really lost about p of the datagrams (it is not a no-op). */
export function expectLossHappened(relay: FaultRelay, p: number): void {
  const dropped = relay.log.filter((l) => l.action === 'dropped').length;
  expect(dropped / relay.log.length).toBeGreaterThan(p / 2);
  expect(dropped / relay.log.length).toBeLessThan(p * 1.5);
}

/** Runs `count` jobs, `width` at a time. */
export async function inBatches<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => job(i + j)))));
  return out;
}

const BIN = fileURLToPath(new URL('../../bin/sipcall.cjs', import.meta.url));

/** `sipcall answer` spawned from the built binary, stopped by its PID. */
export interface SpawnedAnswer {
  readonly port: number;
  readonly proc: ManagedProcess;
  /** Its JSON events so far (complete lines only). */
  events(): SipEvent[];
  /** Ctrl-C (its normal stop): resolves with its JSON events, the last its result. */
  stop(): Promise<SipEvent[]>;
}

function jsonLines(text: string): SipEvent[] {
  return parseLines(text.split('\n').filter((l) => l.startsWith('{') && l.endsWith('}')).join('\n'));
}

/** Starts `node bin/sipcall.cjs answer --json ARGS` on a free loopback port (needs `npm run build`). */
export async function spawnAnswer(args: string[]): Promise<SpawnedAnswer> {
  const proc = spawnManaged(process.execPath, [BIN, 'answer', '--port', '0', '--json', ...args], { label: 'sipcall answer', captureStdout: true, parentDeathSignal: 'KILL' });
  const deadline = Date.now() + 10_000;
  let port: number | undefined;
  while (port === undefined) {
    const m = /answering on 127\.0\.0\.1:(\d+) \(UDP\)/.exec(proc.output());
    if (m) port = Number(m[1]);
    else if (!proc.running() || Date.now() > deadline) throw new Error(`sipcall answer did not start:\n${proc.output()}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    proc,
    events: () => jsonLines(proc.output()),
    async stop() {
      signalPeer(proc.pid, 'SIGINT');
      await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 5000))]);
      await proc.stop();
      return jsonLines(proc.output());
    },
  };
}
