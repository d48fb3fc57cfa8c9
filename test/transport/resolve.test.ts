import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/transport/errors.js';
import { resolveHost } from '../../src/transport/resolve.js';
import type { LookupFn } from '../../src/transport/resolve.js';

/** A lookup that never touches the network. */
function fakeLookup(table: Record<string, { address: string; family: number } | string>): LookupFn & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string, options: { family: 0 | 4 | 6 }) => {
    calls.push(`${host}/${options.family}`);
    const entry = table[host];
    if (entry === undefined || typeof entry === 'string') {
      throw Object.assign(new Error(`getaddrinfo ${entry ?? 'ENOTFOUND'} ${host}`), { code: entry ?? 'ENOTFOUND' });
    }
    return entry;
  };
  return Object.assign(fn, { calls });
}

describe('resolveHost', () => {
  it('returns IP literals without a lookup, IPv6 with or without brackets', async () => {
    const lookup = fakeLookup({});
    expect(await resolveHost('127.0.0.1', undefined, { lookup })).toEqual({ address: '127.0.0.1', family: 4 });
    expect(await resolveHost('[::1]', undefined, { lookup })).toEqual({ address: '::1', family: 6 });
    expect(await resolveHost('::1', 6, { lookup })).toEqual({ address: '::1', family: 6 });
    expect(lookup.calls).toEqual([]);
  });

  it('rejects a literal of the other family than asked', async () => {
    const err = await resolveHost('[::1]', 4).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).code).toBe('DNS');
  });

  it('looks a name up with the family asked for', async () => {
    const lookup = fakeLookup({ 'pbx.example': { address: '192.0.2.10', family: 4 } });
    expect(await resolveHost('pbx.example', 4, { lookup })).toEqual({ address: '192.0.2.10', family: 4 });
    expect(lookup.calls).toEqual(['pbx.example/4']);
  });

  it('reports a failure as code DNS, naming the host and the error', async () => {
    const lookup = fakeLookup({ 'nope.example': 'ENOTFOUND' });
    const err = (await resolveHost('nope.example', undefined, { lookup, transport: 'TCP' }).catch((e: unknown) => e)) as TransportError;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe('DNS');
    expect(err.errno).toBe('ENOTFOUND');
    expect(err.transport).toBe('TCP');
    expect(err.message).toContain('cannot resolve "nope.example": ENOTFOUND, no such name');
  });

  it('resolves localhost with the system resolver to a loopback address', async () => {
    const { address, family } = await resolveHost('localhost', 4);
    expect(family).toBe(4);
    expect(address.startsWith('127.')).toBe(true);
  });
});
