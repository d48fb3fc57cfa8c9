// A small UDP fault relay for integration tests, between sipcall and a real peer (SIPp):
//
//   sipcall ──► relay (127.0.0.1:R) ──► SIPp
//   sipcall ◄── relay ◄──────────────── SIPp
//
//   const relay = await startFaultRelay({ host: uas.host, port: uas.port }, { dropRequests: ['ACK'] });
//   ... sipcall options 127.0.0.1:<relay.port> ...
//   expect(relay.log.filter((l) => l.action === 'dropped')).toHaveLength(3);
//   await relay.close();
//
// Each client (sipcall's source address and port) gets its own socket towards the peer, so
// the peer answers the relay and the relay knows whom to pass the answer to. Faults, chosen per
// test: drop by method or status or size, drop at random with a seed, delay, duplicate, reorder,
// rewrite responses, answer from another address (127.0.0.2: Linux routes all of 127/8 to
// loopback), and send responses to the Via sent-by port instead of the source port (what a peer
// that ignores rport does). Test support only: never a SIP stack, and never part of sipcall.
import dgram from 'node:dgram';
import { prng } from './prng.js';

export interface FaultRules {
  /** Drop requests from the client with these methods (e.g. ['ACK']). */
  dropRequests?: string[];
  /** Drop responses from the peer with these statuses. */
  dropResponses?: number[];
  /** Drop datagrams in either direction with this probability (0–1), seeded. */
  dropRate?: number;
  /** Seed for `dropRate` (same seed, same drops). Default 1. */
  seed?: number;
  /** Drop datagrams larger than this many bytes (a path that loses IP fragments). */
  dropLargerThan?: number;
  /** Hold every forwarded datagram this long. */
  delayMs?: number;
  /** Send every forwarded datagram this many times (default 1). */
  copies?: number;
  /** Hold each datagram until the next one in the same direction, then send the two swapped. */
  reorder?: boolean;
  /** Send a forwarded datagram twice with this probability (0–1), seeded like `dropRate`. */
  duplicateRate?: number;
  /**
   * Hold a forwarded datagram with this probability (0–1) until the next one in the same
   * direction (or `reorderHoldMs`, whichever comes first), then send the two swapped.
   */
  reorderRate?: number;
  /** Longest hold of a datagram picked by `reorderRate` (default 20 ms). */
  reorderHoldMs?: number;
  /** Send responses (and requests from the peer) from this address instead of the relay's. */
  replyFrom?: string;
  /**
   * With `replyFrom`: only responses with these statuses come from that address; the rest
   * (and requests from the peer) from the relay's own, as from a server that answers some
   * messages from another of its addresses.
   */
  replyFromStatuses?: number[];
  /**
   * Where responses go: `source` (default: where the request came from, as RFC 3581 wants),
   * `via` (the host and port of the top Via sent-by, ignoring rport), or a fixed port on the
   * client's address.
   */
  replyTo?: 'source' | 'via' | { port: number };
  /** Rewrite each response's text before passing it on. */
  rewriteResponse?: (text: string) => string;
}

export interface RelayLogEntry {
  /** ms since the relay started. */
  t: number;
  direction: 'to-peer' | 'to-client';
  /** The start line: `OPTIONS sip:… SIP/2.0` or `SIP/2.0 200 OK`. */
  line: string;
  action: 'forwarded' | 'dropped';
  why?: string;
  /** The Call-ID of the message, when it has one. */
  callId?: string;
  /** Its CSeq value (`2 INVITE`), when it has one. */
  cseq?: string;
  /** `host:port` it was sent to (when forwarded) and from which relay address. */
  to?: string;
  from?: string;
}

export interface FaultRelay {
  readonly host: string;
  readonly port: number;
  /** `127.0.0.1:port`, to give sipcall as the target. */
  readonly hostPort: string;
  /** Everything the relay did, in order. */
  readonly log: RelayLogEntry[];
  /** Change the faults while running. */
  setRules(rules: FaultRules): void;
  close(): Promise<void>;
}

function bind(address: string, port = 0): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.once('error', reject);
    s.bind({ address, port }, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

function startLine(buf: Buffer): string {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n');
  return end < 0 ? text.slice(0, 80) : text.slice(0, end);
}

/** The sent-by host and port of the top Via (`SIP/2.0/UDP host:port;…`). */
export function viaSentBy(text: string): { host: string; port: number } | undefined {
  const m = /^(?:Via|v)[ \t]*:[ \t]*SIP\/2\.0\/UDP[ \t]+([^;:\s,]+)(?::(\d+))?/im.exec(text);
  return m ? { host: m[1]!, port: m[2] ? Number(m[2]) : 5060 } : undefined;
}

interface Client {
  address: string;
  port: number;
  /** Our socket towards the peer for this client. */
  back: dgram.Socket;
}

export async function startFaultRelay(peer: { host: string; port: number }, initial: FaultRules = {}, host = '127.0.0.1'): Promise<FaultRelay> {
  let rules = initial;
  let random = prng(rules.seed ?? 1);
  const started = Date.now();
  const log: RelayLogEntry[] = [];
  const front = await bind(host);
  const port = front.address().port;
  const clients = new Map<string, Client>();
  const others = new Map<string, dgram.Socket>();
  const held: Partial<Record<RelayLogEntry['direction'], () => void>> = {};
  const timers = new Set<NodeJS.Timeout>();

  /** A socket bound to `address` (same port number as the relay when free). */
  const socketAt = async (address: string): Promise<dgram.Socket> => {
    let s = others.get(address);
    if (!s) {
      s = await bind(address, port).catch(() => bind(address, 0));
      others.set(address, s);
    }
    return s;
  };

  let current: Buffer | undefined;
  const note = (e: Omit<RelayLogEntry, 't'>): void => {
    const text = current?.toString('latin1');
    const id = text ? /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im.exec(text)?.[1] : undefined;
    const cseq = text ? /^CSeq[ \t]*:[ \t]*(\d+[ \t]+[A-Za-z]+)/im.exec(text)?.[1] : undefined;
    log.push({ t: Date.now() - started, ...e, ...(id ? { callId: id } : {}), ...(cseq ? { cseq } : {}) });
  };

  /** Applies the drop rules; returns why it is dropped, or undefined. */
  const dropWhy = (buf: Buffer, direction: RelayLogEntry['direction']): string | undefined => {
    const line = startLine(buf);
    if (rules.dropLargerThan !== undefined && buf.length > rules.dropLargerThan) return `${buf.length} bytes > ${rules.dropLargerThan}`;
    if (direction === 'to-peer' && rules.dropRequests?.some((m) => line.startsWith(`${m} `))) return 'method';
    if (direction === 'to-client') {
      const status = /^SIP\/2\.0 (\d{3})/.exec(line);
      if (status && rules.dropResponses?.includes(Number(status[1]))) return 'status';
    }
    if (rules.dropRate !== undefined && random() < rules.dropRate) return `random (rate ${rules.dropRate})`;
    return undefined;
  };

  /** Sends with delay, copies and reordering as the rules say. */
  const forward = (direction: RelayLogEntry['direction'], send: () => void): void => {
    const copies = Math.max(1, rules.copies ?? 1) + (rules.duplicateRate !== undefined && random() < rules.duplicateRate ? 1 : 0);
    const go = (): void => {
      for (let i = 0; i < copies; i++) send();
    };
    const later = (): void => {
      if (rules.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          go();
        }, rules.delayMs);
        timers.add(timer);
      } else go();
    };
    if (!rules.reorder && rules.reorderRate !== undefined) {
      const before = held[direction];
      if (before) {
        held[direction] = undefined;
        later();
        before();
        return;
      }
      if (random() >= rules.reorderRate) return later();
      let sent = false;
      const release = (): void => {
        if (sent) return;
        sent = true;
        later();
      };
      held[direction] = release;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (held[direction] === release) held[direction] = undefined;
        release();
      }, rules.reorderHoldMs ?? 20);
      timers.add(timer);
      return;
    }
    if (!rules.reorder) return later();
    const before = held[direction];
    if (!before) {
      held[direction] = later;
      return;
    }
    held[direction] = undefined;
    later();
    before();
  };

  const toClient = async (client: Client, buf: Buffer): Promise<void> => {
    current = buf;
    let msg = buf;
    const line = startLine(buf);
    const isResponse = line.startsWith('SIP/2.0 ');
    const why = dropWhy(buf, 'to-client');
    if (why) return note({ direction: 'to-client', line, action: 'dropped', why });
    if (isResponse && rules.rewriteResponse) msg = Buffer.from(rules.rewriteResponse(buf.toString('latin1')), 'latin1');
    let dest = { address: client.address, port: client.port };
    if (isResponse && rules.replyTo === 'via') {
      const sentBy = viaSentBy(msg.toString('latin1'));
      if (sentBy) dest = { address: sentBy.host, port: sentBy.port };
    } else if (isResponse && typeof rules.replyTo === 'object') {
      dest = { address: client.address, port: rules.replyTo.port };
    }
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(line)?.[1]);
    const elsewhere = rules.replyFrom !== undefined && (rules.replyFromStatuses === undefined || rules.replyFromStatuses.includes(status));
    const via = elsewhere ? await socketAt(rules.replyFrom!) : front;
    const fromText = `${via.address().address}:${via.address().port}`;
    forward('to-client', () => via.send(msg, dest.port, dest.address));
    current = buf;
    note({ direction: 'to-client', line, action: 'forwarded', to: `${dest.address}:${dest.port}`, from: fromText });
  };

  front.on('message', (buf, rinfo) => {
    void (async () => {
      const key = `${rinfo.address}:${rinfo.port}`;
      let client = clients.get(key);
      if (!client) {
        const back = await bind(host);
        client = { address: rinfo.address, port: rinfo.port, back };
        const c = client;
        back.on('message', (reply) => void toClient(c, reply));
        clients.set(key, client);
      }
      current = buf;
      const line = startLine(buf);
      const why = dropWhy(buf, 'to-peer');
      if (why) return note({ direction: 'to-peer', line, action: 'dropped', why });
      const back = client.back;
      forward('to-peer', () => back.send(buf, peer.port, peer.host));
      note({ direction: 'to-peer', line, action: 'forwarded', to: `${peer.host}:${peer.port}` });
    })();
  });

  return {
    host,
    port,
    hostPort: `${host}:${port}`,
    log,
    setRules(next) {
      rules = next;
      random = prng(next.seed ?? 1);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      const all = [front, ...[...clients.values()].map((c) => c.back), ...others.values()];
      await Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
