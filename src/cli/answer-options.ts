import { readPem } from '../engine/flags/transport.js';
import { UsageError } from '../engine/errors.js';
import type { AnswerPlan } from '../engine/plan.js';
import { lazyBuiltin } from '../transport/lazy-builtin.js';
import { parseSeconds } from './parse-values.js';
import type { ParsedCommand } from './program.js';

/**
 * `sipcall answer --transport udp|tcp|tls|ws|wss`: where the small UAS listens. TLS and WSS
 * need our certificate: `--cert FILE --key FILE` (PEM; for a client they name a client
 * certificate, for `answer` the server's). The files are read and checked here, so a bad one
 * is a usage error before anything listens.
 */
export function answerTransportFrom(flags: ParsedCommand['flags']): Pick<AnswerPlan, 'transport' | 'certificate'> {
  const t = String(flags['transport'] ?? 'udp').toLowerCase();
  if (t !== 'udp' && t !== 'tcp' && t !== 'tls' && t !== 'ws' && t !== 'wss') {
    if (t === 'sctp') throw new UsageError('sipcall answer cannot listen on SCTP', 'use --transport udp, tcp, tls, ws or wss');
    throw new UsageError(`unknown transport ${JSON.stringify(String(flags['transport']))}`, 'use --transport udp, tcp, tls, ws or wss');
  }
  const certFile = flags['cert'] === undefined ? undefined : String(flags['cert']);
  const keyFile = flags['key'] === undefined ? undefined : String(flags['key']);
  const secure = t === 'tls' || t === 'wss';
  if (!secure) {
    if (certFile !== undefined || keyFile !== undefined) throw new UsageError(`--${certFile !== undefined ? 'cert' : 'key'} only applies to TLS and WSS, but answer listens on ${t.toUpperCase()}`, 'add --transport tls or --transport wss, or leave the certificate out');
    return { transport: t };
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError(`--transport ${t} needs --cert and --key`, 'the server certificate (PEM) and its key, e.g. made with: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost -keyout key.pem -out cert.pem');
  }
  const cert = readPem(certFile, '--cert');
  const key = readPem(keyFile, '--key');
  try {
    lazyBuiltin<typeof import('node:tls')>('node:tls').createSecureContext({ cert, key });
  } catch (err) {
    throw new UsageError(`--cert/--key: OpenSSL cannot use them: ${(err as Error).message}`, 'give PEM files (-----BEGIN CERTIFICATE----- / -----BEGIN PRIVATE KEY-----), and a key that matches the certificate');
  }
  return { transport: t, certificate: { cert, key } };
}

/**
 * `answer --idle-timeout S` (TCP, TLS, WS, WSS): close a connection idle S seconds with nothing
 * of ours bound to it (src/transport/connection-limits.ts; default 120 s, Kamailio's
 * `tcp_connection_lifetime`). UDP has no connections: a usage error.
 */
export function idleTimeoutFrom(flags: ParsedCommand['flags'], transport: AnswerPlan['transport']): Pick<AnswerPlan, 'idleTimeoutS'> {
  const v = flags['idleTimeout'];
  if (v === undefined) return {};
  if (transport === 'udp') throw new UsageError('--idle-timeout applies to connections (TCP, TLS, WS, WSS), and answer listens on UDP', 'add --transport tcp (or tls, ws, wss), or drop --idle-timeout');
  return { idleTimeoutS: parseSeconds(String(v), '--idle-timeout', true) };
}

/** `answer --bye-after S`: hang up each call S seconds after its ACK. */
export function byeAfterFrom(flags: ParsedCommand['flags']): Pick<AnswerPlan, 'byeAfterS'> {
  const v = flags['byeAfter'];
  return v === undefined ? {} : { byeAfterS: parseSeconds(String(v), '--bye-after') };
}

/**
 * `answer --load` (docs/answer-load.md): UDP and signalling only. Flags that need per-call media,
 * a person, or our own requests do not go with it: a usage error names the first one.
 */
export function loadFrom(flags: ParsedCommand['flags'], transport: AnswerPlan['transport']): Pick<AnswerPlan, 'load'> {
  if (flags['load'] !== true) return {};
  if (transport !== 'udp') throw new UsageError(`--load serves UDP only, but answer listens on ${transport.toUpperCase()}`, 'leave out --transport, or --load');
  const conflicts: Array<[string, string]> = [
    ['byeAfter', '--bye-after'],
    ['play', '--play'],
    ['echo', '--echo'],
    ['record', '--record'],
    ['recordBoth', '--record-both'],
    ['dtmf', '--dtmf'],
    ['rtpPort', '--rtp-port'],
    ['pcap', '--pcap'],
  ];
  for (const [key, flag] of conflicts) {
    if (flags[key] !== undefined && flags[key] !== false) throw new UsageError(`${flag} does not go with --load`, '--load answers with signalling only (no media, no BYE of ours, no capture); leave one of them out');
  }
  if (Array.isArray(flags['fault']) && flags['fault'].length > 0) throw new UsageError('--fault does not go with --load', 'leave one of them out');
  return { load: true };
}
