// Issue 14 §6: a 2xx with `Contact: <garbage`, `Contact: *` or a bad Record-Route made sipcall
// send `ACK <garbage SIP/2.0` and `BYE * SIP/2.0` and exit 0; a 200 whose branch matched no
// transaction set up a dialog. Against a hostile peer on loopback (test/support/hostile-peer/).
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { ResultEvent, SipEvent } from '../../src/events/types.js';
import { requestUriDefect } from '../../src/sip/request-uri.js';
import { fakeIo } from '../support/fake-io.js';
import { reply, startHostilePeer, type HostilePeer, type WireMessage } from '../support/hostile-peer/index.js';

let peer: HostilePeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function call(answer: (req: WireMessage) => Array<string | Buffer> | void, ...extra: string[]): Promise<{ code: number; events: SipEvent[]; result: ResultEvent; wire: readonly WireMessage[] }> {
  peer = await startHostilePeer(answer);
  const io = fakeIo();
  const code = await run(['invite', '--no-media', peer.hostPort, '--duration', '0', '--t1', '50', '--json', '--no-input', ...extra], io);
  const events = io.out.text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as SipEvent);
  const result = events.at(-1) as ResultEvent;
  expect(result.type, io.err.text).toBe('result');
  return { code, events, result, wire: peer.received };
}

/** A UAS whose 200 carries `headers`; BYE gets 200. */
const uas = (headers: string[]) => (req: WireMessage) => {
  if (req.method === 'INVITE') return [reply(req, 200, 'OK', { headers })];
  if (req.method === 'BYE') return [reply(req, 200, 'OK')];
  return [];
};

describe('a 2xx whose Contact or Record-Route cannot be used', () => {
  const cases: Array<[string, string[], string]> = [
    ['Contact: <garbage', ['Contact: <garbage'], 'bad-contact'],
    ['Contact: *', ['Contact: *'], 'bad-contact'],
    ['Contact: <http://example.com/x>', ['Contact: <http://example.com/x>'], 'bad-contact'],
    ['no Contact at all', [], 'bad-contact'],
    ['Record-Route: garbage', ['Contact: <sip:bob@127.0.0.1:5999>', 'Record-Route: <sip:proxy.invalid;lr'], 'bad-record-route'],
    ['Record-Route: <tel:+1555>', ['Contact: <sip:bob@127.0.0.1:5999>', 'Record-Route: <tel:+1555>'], 'bad-record-route'],
  ];
  for (const [name, headers, id] of cases) {
    it(`${name}: ACK and BYE go where the INVITE went (never an invalid Request-URI), exit 1, verdict ${id}`, async () => {
      const { code, result, wire, events } = await call(uas(headers));
      expect(wire.map((r) => r.method)).toEqual(['INVITE', 'ACK', 'BYE']);
      for (const r of wire) expect(requestUriDefect(r.uri), r.uri).toBeNull();
      const invite = wire[0]!;
      if (id === 'bad-contact') {
        expect(wire[1]!.uri).toBe(invite.uri);
        expect(wire[2]!.uri).toBe(invite.uri);
      } else {
        expect(wire[1]!.uri).toBe('sip:bob@127.0.0.1:5999');
        expect(wire[1]!.all('route')).toEqual([]);
      }
      expect(code).toBe(1);
      expect(result.outcome).toBe('failure-response');
      expect(result.status).toBeUndefined();
      expect(result.summary).toMatch(/^call answered \(200 OK\) with an unusable (Contact|Record-Route): ACKed where the INVITE went, ended with BYE: 200 OK$/);
      expect(result.verdict?.id).toBe(id);
      expect(result.verdict?.evidence.join('\n')).toMatch(/sent instead: ACK sip:/);
      const note = events.find((e) => e.type === 'note' && e.code === id);
      expect(note).toBeDefined();
    });
  }

  it('--expect 200 is not met by an unusable 200 (exit 1, not 0)', async () => {
    const { code } = await call(uas(['Contact: *']), '--expect', '200');
    expect(code).toBe(1);
  });

  it('a good Contact and Record-Route still make a clean call (exit 0), routed by the Record-Route', async () => {
    const { code, result, wire } = await call(uas(['Contact: <sip:bob@127.0.0.1:5999>', 'Record-Route: <sip:127.0.0.1:5998;lr>']));
    expect(code).toBe(0);
    expect(result.verdict).toBeUndefined();
    expect(wire.map((r) => r.method)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(wire[1]!.uri).toBe('sip:bob@127.0.0.1:5999');
    expect(wire[1]!.all('route')).toEqual(['<sip:127.0.0.1:5998;lr>']);
  });
});

describe('a 200 whose Via branch matches no transaction', () => {
  it('sets up no dialog: no ACK, no BYE; the INVITE times out with a stray-responses verdict', async () => {
    const { code, result, wire, events } = await call((req) => {
      if (req.method !== 'INVITE') return [];
      const via = req.get('via')!.replace(/branch=[^;]+/, 'branch=z9hG4bKnotours');
      return [reply(req, 200, 'OK', { via: [via], headers: ['Contact: <sip:bob@127.0.0.1:5999>'] })];
    });
    expect(wire.map((r) => r.method).filter((m) => m !== 'INVITE')).toEqual([]);
    expect(events.some((e) => e.type === 'dialog.established')).toBe(false);
    expect(events.some((e) => e.type === 'note' && e.code === 'stray-2xx')).toBe(true);
    expect(code).toBe(3);
    expect(result.verdict?.id).toBe('stray-responses');
  });
});
