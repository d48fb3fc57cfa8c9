import tls from 'node:tls';

/** How a TLS client (TLS or WSS) authenticates the server and itself. */
export interface TlsClientOptions {
  /** Extra trusted CA certificates (PEM), added to the system's roots (`--ca`). */
  ca?: Array<string | Buffer>;
  /** Our client certificate and its key (PEM), for servers that ask for one (`--cert`, `--key`). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Skip certificate verification (`--insecure`); the handshake still reports what it saw. */
  insecure?: boolean;
  /**
   * The server's host name: sent in SNI (RFC 6066 §3) and matched against the certificate
   * (RFC 5922 §7.2). Undefined for an IP target: SNI carries no IP literals, and the
   * certificate must then name the IP address.
   */
  servername?: string;
}

/** Default limit for the handshake after the TCP connection: 64·T1 at the default T1. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 32_000;

/** Node's native side of a SecureContext: `addCACert` is what `tls.createSecureContext` itself uses. */
interface NativeContext {
  addCACert?: (pem: string | Buffer) => void;
}

/**
 * The node:tls options for these settings. Verification is on unless `insecure`. TLS 1.2 is
 * the floor (RFC 8996 retires 1.0 and 1.1).
 *
 * `--ca` is added to the system roots, not put in their place. Node's `ca` option replaces the
 * roots, and passing roots + ours re-parses ~150 PEM certificates on every run (~20 ms here);
 * instead the context starts from Node's shared, already parsed root store and the CA is added
 * to its own copy (~1 ms), the way `tls.createSecureContext` adds a `ca` itself. Should that
 * native method ever be missing, the roots + ours fallback gives the same trust.
 */
export function nodeTlsOptions(o: TlsClientOptions): tls.ConnectionOptions {
  const base = { rejectUnauthorized: o.insecure !== true, servername: o.servername, minVersion: 'TLSv1.2' as const };
  if (!o.ca || o.ca.length === 0) return { ...base, cert: o.cert, key: o.key };
  const secureContext = tls.createSecureContext({ cert: o.cert, key: o.key, minVersion: 'TLSv1.2' });
  const native = (secureContext as unknown as { context?: NativeContext }).context;
  if (typeof native?.addCACert === 'function') {
    for (const ca of o.ca) native.addCACert(ca);
    return { ...base, secureContext };
  }
  return { ...base, cert: o.cert, key: o.key, ca: [...tls.rootCertificates, ...o.ca] };
}
