import type { SipEvent } from '../events/types.js';

/**
 * Digest credentials for 401/407 challenges (RFC 3261 §22.2, §22.3; docs/auth.md). The secret
 * (`password` or `ha1`) is only ever used to answer a challenge: it never appears in a result,
 * an event or an error message.
 */
export interface AuthOptions {
  /** Our user name: the From user (unless `from` is given) and the default authentication name (`--user`). */
  user: string;
  /** The password. Give this or `ha1`. */
  password?: string;
  /** H(user:realm:password) in hex: 32 digits (MD5) or 64 (SHA-256) (`--ha1`). */
  ha1?: string;
  /** The authentication name when it differs from `user` (`--auth-user`). */
  authUser?: string;
}

/** The RFC 3261 §17.1.1.1 timer bases in milliseconds (`--t1`, `--t2`, `--t4`); Timer B = F = 64·T1. */
export interface TimerSettings {
  /** Round-trip estimate; default 500. */
  t1?: number;
  /** Maximum retransmit interval for non-INVITE requests; default max(4000, T1). */
  t2?: number;
  /** Maximum time a message stays in the network; default 5000. */
  t4?: number;
}

/** TLS and WSS (RFC 3261 §26.2, RFC 7118; docs/tls-ws.md). Files are PEM. */
export interface TlsSettings {
  /** Also trust the CA certificates in this file (`--ca`). */
  ca?: string;
  /** Our client certificate (`--cert`), with `key`. */
  cert?: string;
  /** The private key of `cert` (`--key`). */
  key?: string;
  /** Do not verify the server certificate (a lab only; each run says so in a note) (`--insecure`). */
  insecure?: boolean;
}

/** A header to add: `'Name: value'`, `{ name, value }`, or `[name, value]`. */
export type HeaderInput = string | { name: string; value: string } | readonly [string, string];

/**
 * What every request takes. Each option mirrors the CLI flag of the same name (README, "Usage");
 * a bad value is refused with a {@link UsageError} whose message names that flag.
 */
export interface CommonOptions {
  /** `udp`, `tcp`, `tls`, `ws` or `wss` (`--transport`); default: from the target (`sips:` → TLS), else UDP. */
  transport?: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
  /** Outbound proxy (`--proxy`): every request goes there with `Route: <URI;lr>` (RFC 3261 §8.1.2). */
  proxy?: string;
  /** A pre-existing route set, after `proxy` (`--route`; RFC 3261 §8.1.1.1). */
  route?: readonly string[];
  /** Extra headers (`-H`); CR, LF and NUL are refused. An object maps names to values. */
  headers?: readonly HeaderInput[] | Readonly<Record<string, string>>;
  /** Our address-of-record for From (`--from`); default `sip:sipcall@<local address>` (or `sip:USER@host` with `auth`). */
  from?: string;
  /** The User-Agent header (`--user-agent`); default `sipcall/0.1`. */
  userAgent?: string;
  /** Timer bases (`--t1`, `--t2`, `--t4`). */
  timers?: TimerSettings;
  /** TLS settings (`--ca`, `--cert`, `--key`, `--insecure`). */
  tls?: TlsSettings;
  /** SIP over WebSocket to this `ws://` or `wss://` URL (`--ws-url`; RFC 7118). */
  wsUrl?: string;
  /** Digest credentials for 401/407 challenges. */
  auth?: AuthOptions;
  /** Local address and/or port to send from (`--local`): `'127.0.0.1:5070'`, `':5070'`, or `{ address, port }`. */
  local?: string | { address?: string; port?: number };
  /** Resolve host names to this address family only (`-4` / `-6`). */
  family?: 4 | 6;
  /** The DNS server for RFC 3263 lookups, an IP address with an optional port (`--dns-server`). */
  dnsServer?: string;
  /** On ICMP unreachable over UDP, keep retransmitting until Timer B/F (`--keep-trying`). */
  keepTrying?: boolean;
  /** Follow a 3xx to its Contacts (RFC 3261 §8.1.3.4); default true (`--no-follow` makes it false). */
  followRedirects?: boolean;
  /** The final statuses that count as success (`--expect`): `200`, `'4xx'`, `[486, 603]`. Otherwise the outcome is `expectation-failed`. */
  expect?: number | string | ReadonlyArray<number | string>;
  /**
   * Write what the run sent and received (SIP, RTP, RTCP) to this pcap file, as `--pcap FILE`
   * does (docs/pcap.md). A path that cannot be written is a {@link UsageError} before anything
   * is sent; an existing file is overwritten.
   */
  pcap?: string;
  /** Called with every event of the run, in order, as it happens (the stream the CLI's printers read; docs/events.md). */
  onEvent?: (event: SipEvent) => void;
  /**
   * Ends the run early, as Ctrl-C ends the CLI's: a pending INVITE is CANCELled (after its first
   * provisional response, RFC 3261 §9.1), an established call is ended with BYE (§15.1.1), a
   * non-INVITE request stops waiting. The result's outcome is then `interrupted`. A signal that
   * is already aborted rejects at once, before anything is sent.
   */
  signal?: AbortSignal;
}

/** `options(target, opts)`: an OPTIONS ping (RFC 3261 §11). */
export type PingOptions = CommonOptions;

/** `register(aor, opts)`: a REGISTER (RFC 3261 §10.2). */
export interface RegisterOptions extends CommonOptions {
  /**
   * The binding lifetime to ask for, in seconds (`--expires`, default 3600). `0` removes our
   * binding (`--unregister`, RFC 3261 §10.2.2).
   */
  expires?: number;
  /** The Contact to bind (`--contact`); default `sip:USER@<local address:port>`. */
  contact?: string;
  /** Send to this registrar instead of the AOR's domain (`--registrar`). */
  registrar?: string;
  /** Remove every binding of the AOR: `Contact: *`, Expires 0 (`--unregister-all`, RFC 3261 §10.2.2). */
  unregisterAll?: boolean;
  /** List the bindings without changing them: no Contact (`--query`, RFC 3261 §10.2.3). */
  query?: boolean;
}

/** Media for a call (docs/media.md); each field mirrors an `invite` flag. */
export interface MediaOptions {
  /** What we send: `tone:FREQ[+FREQ][@DBFS]`, `silence`, or an 8 kHz mono WAV file (`--play`; default `tone:440@-20`). */
  play?: string;
  /** Record what we receive to this WAV file (`--record`). */
  record?: string;
  /** Record both ways in stereo, L = sent, R = received (`--record-both`). */
  recordBoth?: string;
  /** DTMF to send after the answer: `0-9 * # A-D`, `,` = 500 ms pause (`--dtmf`). */
  dtmf?: string;
  /** How DTMF goes (`--dtmf-mode`); default `auto`. */
  dtmfMode?: 'rfc4733' | 'info' | 'inband' | 'auto';
  /** Seconds without RTP that make a verdict (`--media-timeout`; default 2). */
  timeout?: number;
  /** The peer's audio must carry this tone, Hz (`--expect-tone`). */
  expectTone?: number;
  /** Send 1 kHz bursts and time their return (`--check echo`). */
  checkEcho?: boolean;
  /** Our RTP port (even) or range `'40000-40100'` (`--rtp-port`). */
  rtpPort?: number | string;
  /** INVITE without SDP: the offer comes in the 2xx, our answer in the ACK (`--late-offer`). */
  lateOffer?: boolean;
}

/** `call(target, opts)`: an INVITE, its ACK, a held call and the BYE (RFC 3261 §13, §15). */
export interface CallOptions extends CommonOptions {
  /**
   * Seconds to hold the call after the ACK, then BYE (`--duration`). Default: 0 without media,
   * enough for the media checks with media. `Infinity`: until `signal` aborts or the peer
   * sends BYE.
   */
  duration?: number;
  /** CANCEL when no final response this many seconds after the first 1xx (`--ring-timeout`; default 60). */
  ringTimeout?: number;
  /** `false`: signalling only, no RTP (`--no-media`); an object: what the media does. Default: media with its defaults. */
  media?: false | MediaOptions;
  /** `false`: an INVITE without an SDP offer (`--no-sdp`). */
  sdp?: boolean;
  /** Reliable provisional responses (RFC 3262) (`--100rel`); default `supported`. */
  rel100?: 'require' | 'supported' | 'off';
  /** Put the call on hold this many seconds after the answer (re-INVITE a=sendonly, RFC 3264 §8.4) (`--hold-after`). */
  holdAfter?: number;
  /** With `holdAfter`: resume this many seconds after the hold (`--hold-for`). */
  holdFor?: number;
  /** Ask for session timers with this interval, ≥ 90 s (RFC 4028) (`--session-expires`). */
  sessionExpires?: number;
  /** Blind transfer (REFER, RFC 3515) to this URI one second after the answer (`--transfer-to`). */
  transferTo?: string;
  /** Follow a REFER from the peer (`--accept-transfer`). */
  acceptTransfer?: boolean;
}

/** `request(method, target, opts)`: any other out-of-dialog request (MESSAGE, INFO, SUBSCRIBE, …). */
export interface RequestOptions extends CommonOptions {
  /** The body: text (sent as UTF-8) or bytes. */
  body?: string | Uint8Array;
  /** Its Content-Type (`--content-type`); default `text/plain` when there is a body. */
  contentType?: string;
}
