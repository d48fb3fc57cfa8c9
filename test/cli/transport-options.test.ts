import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildUacPlan } from '../../src/cli/build-plan.js';
import type { UacPlan } from '../../src/engine/plan.js';
import { UsageError } from '../../src/engine/errors.js';

function plan(args: string[], flags: Record<string, unknown> = {}): UacPlan {
  return buildUacPlan({ name: 'options', args, flags: { header: [], ...flags } }, () => Buffer.alloc(0));
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-cli-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS and WebSocket plans from the command line', () => {
  it('sips: means TLS on port 5061 (RFC 3261 §19.1.2), forced; verification on', () => {
    const p = plan(['sips:bob@127.0.0.1']);
    expect(p.net.transport).toBe('tls');
    expect(p.net.transportForced).toBe(true);
    expect(p.destination).toMatchObject({ host: '127.0.0.1', port: 5061 });
    expect(p.net.tls).toEqual({ insecure: false, servername: undefined });
  });

  it('SNI is the target host when it is a name', () => {
    expect(plan(['sips:bob@sip.example.com']).net.tls?.servername).toBe('sip.example.com');
    expect(plan(['bob@sip.example.com;transport=tls']).net.tls?.servername).toBe('sip.example.com');
    expect(plan(['bob@[::1]', '--transport', 'tls']).net.tls?.servername).toBeUndefined();
  });

  it('--transport tls|ws|wss; wss on 5061, ws on 5060', () => {
    expect(plan(['bob@127.0.0.1', '--transport', 'tls'], { transport: 'tls' }).destination.port).toBe(5061);
    const ws = plan(['bob@127.0.0.1'], { transport: 'ws' });
    expect(ws.net.transport).toBe('ws');
    expect(ws.destination.port).toBe(5060);
    expect(ws.net.tls).toBeUndefined();
    const wss = plan(['bob@127.0.0.1'], { transport: 'wss', insecure: true });
    expect(wss.destination.port).toBe(5061);
    expect(wss.net.tls?.insecure).toBe(true);
  });

  it('--ws-url picks WS or WSS and the destination; the target stays the Request-URI', () => {
    const p = plan(['sip:alice@example.com'], { wsUrl: 'wss://edge.example.net/sip' });
    expect(p.net.transport).toBe('wss');
    expect(p.net.wsUrl).toBe('wss://edge.example.net/sip');
    expect(p.destination).toMatchObject({ host: 'edge.example.net', port: 443 });
    expect(p.net.tls?.servername).toBe('edge.example.net');
    expect(p.target.uri).toBe('sip:alice@example.com');
    const ws = plan(['sip:alice@example.com'], { wsUrl: 'ws://127.0.0.1:8080/' });
    expect(ws.net.transport).toBe('ws');
    expect(ws.destination).toMatchObject({ host: '127.0.0.1', port: 8080 });
  });

  it('--ca, --cert, --key that are not PEM are a usage error before anything is sent', () => {
    const bad = path.join(dir, 'bad.pem');
    writeFileSync(bad, 'not a certificate');
    expect(() => plan(['sips:bob@127.0.0.1'], { ca: bad })).toThrow(UsageError);
    expect(() => plan(['sips:bob@127.0.0.1'], { ca: bad })).toThrow(/no PEM certificate in it/);
    expect(() => plan(['sips:bob@127.0.0.1'], { cert: bad, key: bad })).toThrow(/OpenSSL cannot use it/);
  });
});
