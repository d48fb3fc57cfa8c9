// Proves the real-peer harness works, with plain node:dgram (no sipcall code):
// SIPp and Kamailio start on free loopback ports, answer hand-written
// requests, log what they saw, and are gone (by PID) after stop().
import { describe, expect, it } from 'vitest';
import { pidAlive, livePeerPids, usePeerCleanup } from '../support/peers/process.js';
import { requirePeers } from '../support/peers/require-peer.js';
import { resolveScenario, scenarioArgs, startSipp } from '../support/peers/sipp.js';
import { startKamailio } from '../support/peers/kamailio.js';
import { headerOf, sendUdp, sipRequest, statusOf, token } from '../support/peers/udp.js';
import { readFile } from 'node:fs/promises';
import { isPortFree } from '../support/peers/ports.js';

usePeerCleanup();

// Some CI containers have no IPv6 at all, not even ::1.
const hasIpv6Loopback = await isPortFree(0, { hosts: ['::1'] });

describe.skipIf(requirePeers('sipp').skip)('SIPp peer', () => {
  it('answers a hand-written OPTIONS with 200 (uas-options.xml), logs it, and is gone after stop()', async () => {
    const uas = await startSipp({ scenario: 'uas-options.xml' });
    expect(uas.host).toBe('127.0.0.1');
    expect(pidAlive(uas.pid)).toBe(true);
    expect(livePeerPids()).toContain(uas.pid);

    const callId = `${token(8)}@harness`;
    const { responses } = await sendUdp({
      host: uas.host,
      port: uas.port,
      message: (local) =>
        sipRequest({ method: 'OPTIONS', uri: `sip:probe@${uas.hostPort}`, local, callId }),
    });
    expect(responses).toHaveLength(1);
    const ok = responses[0] ?? '';
    expect(statusOf(ok)).toBe(200);
    expect(headerOf(ok, 'Call-ID')).toBe(callId);
    expect(headerOf(ok, 'Allow')).toContain('OPTIONS');
    expect(headerOf(ok, 'Supported')).toBeDefined();
    expect(headerOf(ok, 'Accept')).toBe('application/sdp');
    expect(headerOf(ok, 'Server')).toMatch(/SIPp/);

    // the exact sequence on the wire, read while SIPp still runs
    const log = await uas.messageLog();
    const received = log.indexOf(`OPTIONS sip:probe@${uas.hostPort} SIP/2.0`);
    const sent = log.indexOf('SIP/2.0 200 OK');
    expect(received).toBeGreaterThanOrEqual(0);
    expect(sent).toBeGreaterThan(received);
    expect(log).toContain(`Call-ID: ${callId}`);

    const pid = uas.pid;
    await uas.stop();
    expect(pidAlive(pid)).toBe(false);
    expect(livePeerPids()).not.toContain(pid);
    // the log is still readable after stop()
    expect(await uas.messageLog()).toContain(`Call-ID: ${callId}`);
  });

  it('runs two instances side by side on distinct ports, over UDP and TCP', async () => {
    const a = await startSipp({ scenario: 'uas' });
    const b = await startSipp({ scenario: 'uas-486', transport: 't1' });
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.scenario).toBe('builtin:uas');
      expect(b.scenario).toMatch(/uas-486\.xml$/);
      // the built-in uas answers OPTIONS because of -aa
      const { responses } = await sendUdp({
        host: a.host,
        port: a.port,
        message: (local) => sipRequest({ method: 'OPTIONS', uri: `sip:${a.hostPort}`, local }),
      });
      expect(statusOf(responses[0] ?? '')).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    expect(pidAlive(a.pid)).toBe(false);
    expect(pidAlive(b.pid)).toBe(false);
  });

  it('reports a scenario SIPp rejects, with its stderr, and leaves nothing running', async () => {
    const before = livePeerPids().length;
    await expect(startSipp({ scenario: 'no-such-builtin-scenario' })).rejects.toThrow(/exited before listening/);
    expect(livePeerPids()).toHaveLength(before);
  });

  it('adds the arguments a scenario asks for (sipcall-sipp-args)', async () => {
    const file = resolveScenario('uas-final-resend');
    expect('file' in file).toBe(true);
    if ('file' in file) {
      expect(scenarioArgs(await readFile(file.file, 'utf8'))).toEqual(['-default_behaviors', 'all,-abortunexp']);
    }
    expect(resolveScenario('uas')).toEqual({ builtin: 'uas' });
  });
});

describe.skipIf(requirePeers('kamailio').skip)('Kamailio peer', () => {
  it('challenges REGISTER with 401 digest, answers OPTIONS 200, and is gone after stop()', async () => {
    const proxy = await startKamailio();
    expect(pidAlive(proxy.pid)).toBe(true);
    expect(proxy.users.map((u) => u.username)).toEqual(['alice', 'bob', 'carol']);

    const register = await sendUdp({
      host: proxy.host,
      port: proxy.port,
      message: (local) =>
        sipRequest({
          method: 'REGISTER',
          uri: `sip:${proxy.host}`,
          local,
          from: `<sip:alice@${proxy.host}>`,
          to: `<sip:alice@${proxy.host}>`,
          headers: ['Expires: 60'],
        }),
    });
    const challenge = register.responses.find((r) => statusOf(r) !== undefined && statusOf(r)! >= 200) ?? '';
    expect(statusOf(challenge)).toBe(401);
    const www = headerOf(challenge, 'WWW-Authenticate') ?? '';
    expect(www).toMatch(/^Digest /);
    expect(www).toContain(`realm="${proxy.host}"`);
    expect(www).toMatch(/nonce="[^"]+"/);
    expect(www).toMatch(/qop="auth"/);

    const options = await sendUdp({
      host: proxy.host,
      port: proxy.port,
      message: (local) => sipRequest({ method: 'OPTIONS', uri: `sip:${proxy.hostPort}`, local }),
    });
    expect(statusOf(options.responses.at(-1) ?? '')).toBe(200);

    const pid = proxy.pid;
    await proxy.stop();
    expect(pidAlive(pid)).toBe(false);
    // its worker processes (same process group) are gone too
    expect(() => process.kill(-pid, 0)).toThrow();
    expect(proxy.log()).toMatch(/udp: 127\.0\.0\.1/);
  });
});

describe.skipIf(requirePeers('sipp', 'kamailio').skip || !hasIpv6Loopback)('over IPv6 loopback', () => {
  it('SIPp and Kamailio listen on [::1] when asked', async () => {
    const uas = await startSipp({ scenario: 'uas-options', ipv6: true });
    const proxy = await startKamailio({ ipv6: true });
    try {
      expect(uas.host).toBe('::1');
      expect(uas.hostPort).toBe(`[::1]:${uas.port}`);
      const a = await sendUdp({
        host: '::1',
        port: uas.port,
        message: (local) => sipRequest({ method: 'OPTIONS', uri: `sip:${uas.hostPort}`, local }),
      });
      expect(statusOf(a.responses[0] ?? '')).toBe(200);
      const b = await sendUdp({
        host: '::1',
        port: proxy.port,
        message: (local) => sipRequest({ method: 'OPTIONS', uri: `sip:[::1]:${proxy.port}`, local }),
      });
      expect(statusOf(b.responses.at(-1) ?? '')).toBe(200);
    } finally {
      await Promise.all([uas.stop(), proxy.stop()]);
    }
  });
});
