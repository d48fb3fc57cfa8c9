// `sipcall answer --port P` where P is taken: the machine's state, not a bug. One line on stderr
// naming the address, port and transport and what to do, and exit 4 (transport error, as a
// `--local` that cannot be bound on the UAC side), never the "internal error … This is a bug"
// of exit 70.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { listenFailure } from '../../src/cli/listen-failure.js';
import { transportError } from '../../src/transport/errors.js';
import { fakeIo } from '../support/fake-io.js';

const held: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of held.splice(0)) await close();
});

/** Holds a UDP port on 127.0.0.1, as another program would; resolves with its number. */
async function holdUdp(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  held.push(() => new Promise<void>((r) => s.close(() => r())));
  return s.address().port;
}

/** Holds a TCP port on 127.0.0.1 (a listening server); resolves with its number. */
async function holdTcp(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  held.push(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as net.AddressInfo).port;
}

describe('sipcall answer --port P with P already taken', () => {
  for (const [transport, hold] of [['udp', holdUdp], ['tcp', holdTcp]] as const) {
    for (const json of [false, true]) {
      it(`${transport.toUpperCase()}${json ? ' --json' : ''}: exit 4 and one line naming 127.0.0.1:P/${transport}, --port and the other program`, async () => {
        const port = await hold();
        const io = fakeIo();
        const code = await run(['answer', '--port', String(port), '--transport', transport, '--no-media', ...(json ? ['--json'] : [])], io);
        expect(code).toBe(EXIT.TRANSPORT);
        expect(io.err.text).toBe(
          `sipcall: cannot listen on 127.0.0.1:${port}/${transport}: the port is already in use by another program (or another sipcall); choose another --port (0 picks a free one), or stop the program that holds it\n`,
        );
        expect(io.err.text).not.toMatch(/internal error|bug/);
        expect(io.out.text).toBe('');
      });
    }
  }
});

describe('listenFailure', () => {
  const requested = { address: '127.0.0.1', port: 80 };
  it('EACCES and EADDRNOTAVAIL: their own line, exit 4', () => {
    const denied = listenFailure(transportError('EACCES', { transport: 'TCP', local: requested }), requested);
    expect(denied?.message).toBe('cannot listen on 127.0.0.1:80/tcp: permission denied (ports below 1024 need privileges); choose another --port (1024 or above, 0 picks a free one)');
    expect(denied?.exitCode).toBe(EXIT.TRANSPORT);
    const notOurs = listenFailure(transportError('EADDRNOTAVAIL', { transport: 'UDP', local: { address: '192.0.2.7', port: 5060 } }), { address: '192.0.2.7', port: 5060 });
    expect(notOurs?.message).toBe('cannot listen on 192.0.2.7:5060/udp: 192.0.2.7 is not an address of this machine; choose another --address (e.g. 127.0.0.1 or 0.0.0.0)');
  });

  it('anything else is left to the caller (a real bug stays exit 70)', () => {
    expect(listenFailure(new Error('boom'), requested)).toBeUndefined();
    expect(listenFailure(transportError('ECONNRESET', { transport: 'TCP' }), requested)).toBeUndefined();
  });
});
