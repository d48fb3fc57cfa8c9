// The UDP listener's socket buffers as the kernel granted them (`answer --load` reports them,
// docs/answer-load.md).
import { describe, expect, it } from 'vitest';
import { listen } from '../../src/transport/listen.js';
import { closeAfterEach, track } from './helpers.js';

closeAfterEach();

describe('UDP listener: socketBufferSizes', () => {
  it('reports SO_RCVBUF and SO_SNDBUF after the size asked for (Linux doubles it)', async () => {
    const small = track(await listen({ transport: 'UDP', address: '127.0.0.1', port: 0, socketBufferBytes: 65_536 }));
    const sizes = small.socketBufferSizes?.();
    expect([65_536, 131_072]).toContain(sizes?.receive);
    expect([65_536, 131_072]).toContain(sizes?.send);
    const other = track(await listen({ transport: 'UDP', address: '127.0.0.1', port: 0, socketBufferBytes: 98_304 }));
    expect([98_304, 196_608]).toContain(other.socketBufferSizes?.()?.receive);
  });

  it('undefined once the socket is closed; stream listeners have none', async () => {
    const udp = await listen({ transport: 'UDP', address: '127.0.0.1', port: 0 });
    await udp.close();
    expect(udp.socketBufferSizes?.()).toBeUndefined();
    const tcp = track(await listen({ transport: 'TCP', address: '127.0.0.1', port: 0 }));
    expect(tcp.socketBufferSizes).toBeUndefined();
  });
});
