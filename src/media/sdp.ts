import { ipFamily } from './address-class.js';
import { SDP_DIRECTIONS, type SdpDirection, type SdpProblemCode, type SdpAttribute, type SdpConnection, type SdpRtpmap, type SdpMedia, type SdpSession } from './sdp-session.js';

/**
 * Our SDP reader (RFC 4566), written for diagnosis: every field keeps its **1-based line number**
 * in the body, so a verdict can say "answer line 5: c=IN IP4 10.0.0.7".
 *
 * RFC 4566 §5: "An SDP session description consists of a number of lines of text of the form
 * `<type>=<value>` where `<type>` MUST be exactly one case-significant character and `<value>` is
 * structured text whose format depends on `<type>`."
 *
 * Tolerant by design: CRLF, LF or a bare CR end a line; trailing whitespace is ignored; blank
 * lines are skipped; unknown lines are kept in `lines`. Whatever breaks the grammar goes to
 * `problems` (with its line) and parsing goes on. `parseSdp` throws `SdpParseError` only when
 * there is nothing to read: an empty body, or text with no `v=`, `o=` or `m=` line at all.
 */

/** The body cannot be read as SDP at all. `line` is where reading gave up (1-based). */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
  readonly code: 'empty' | 'not-sdp';
  readonly line: number;

  constructor(code: 'empty' | 'not-sdp', message: string, line: number) {
    super(`${code} at line ${line}: ${message}`);
    this.code = code;
    this.line = line;
  }
}

/** Attributes that RFC 4566 §6 / RFC 3605 / RFC 5761 / RFC 4568 define at media level only. */
const MEDIA_ONLY = new Set(['rtpmap', 'fmtp', 'ptime', 'rtcp', 'rtcp-mux', 'crypto']);
/** RFC 4566 §5 type letters. */
const KNOWN_TYPES = new Set(['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a', 'm']);

export function parseSdp(text: string): SdpSession {
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new SdpParseError('empty', 'the body is empty', 1);
  if (!lines.some((l) => /^[vom]=/.test(l))) {
    const first = lines.findIndex((l) => l !== '') + 1;
    throw new SdpParseError('not-sdp', 'no v=, o= or m= line: this is not an SDP body (RFC 4566 §5)', first);
  }

  const session: SdpSession = { attributes: [], media: [], problems: [], lines };
  const problem = (code: SdpProblemCode, line: number, what: string): void => {
    session.problems.push({ code, line, text: what });
  };
  let media: SdpMedia | undefined;
  let firstLine = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const n = i + 1;
    if (raw === '') continue;
    if (firstLine === 0) firstLine = n;
    const m = /^([a-z])=(.*)$/.exec(raw);
    if (m === null) {
      problem('bad-line', n, `"${raw}" is not <type>=<value> with a lower-case type letter (RFC 4566 §5)`);
      continue;
    }
    const type = m[1];
    const value = m[2];
    if (!KNOWN_TYPES.has(type)) {
      problem('unknown-type', n, `"${type}=" is not an RFC 4566 §5 type; the line is ignored`);
      continue;
    }
    if (media !== undefined && (type === 'v' || type === 'o' || type === 's' || type === 't')) {
      problem('misplaced-line', n, `"${type}=" belongs to the session part, before the first m= (RFC 4566 §5); ignored`);
      continue;
    }
    switch (type) {
      case 'v':
        readVersion(session, value, n, firstLine, problem);
        break;
      case 'o':
        readOrigin(session, value, n, problem);
        break;
      case 's':
        if (session.sessionName === undefined) session.sessionName = { value, line: n };
        break;
      case 't':
        readTiming(session, value, n, problem);
        break;
      case 'c': {
        const c = readConnection(value, n, raw, problem);
        if (c === undefined) break;
        const scope = media ?? session;
        if (scope.connection !== undefined) {
          problem('duplicate-connection', n, `a second c= ${media ? 'in this media description' : 'at session level'}; line ${scope.connection.line} is used`);
        } else {
          scope.connection = c;
        }
        break;
      }
      case 'm':
        media = readMedia(value, n, raw, problem);
        session.media.push(media);
        break;
      case 'a':
        readAttribute(session, media, value, n, problem);
        break;
      default:
        break; // i= u= e= p= b= r= z= k=: kept in `lines`, not needed here.
    }
  }

  if (session.version === undefined && !session.problems.some((p) => p.code === 'bad-version')) {
    problem('missing-version', 1, 'no v= line: RFC 4566 §5 requires v=0 first');
  }
  if (session.origin === undefined && !session.problems.some((p) => p.code === 'bad-origin')) {
    problem('missing-origin', 1, 'no o= line (RFC 4566 §5.2)');
  }
  if (session.sessionName === undefined) problem('missing-session-name', 1, 'no s= line (RFC 4566 §5.3)');
  if (session.timing === undefined && !session.problems.some((p) => p.code === 'bad-timing')) {
    problem('missing-timing', 1, 'no t= line (RFC 4566 §5.9)');
  }
  for (const md of session.media) checkMedia(session, md, problem);
  session.problems.sort((a, b) => a.line - b.line);
  return session;
}

type Report = (code: SdpProblemCode, line: number, text: string) => void;

function readVersion(session: SdpSession, value: string, n: number, firstLine: number, problem: Report): void {
  if (session.version !== undefined) return;
  if (n !== firstLine) problem('version-not-first', n, 'v= must be the first line (RFC 4566 §5)');
  if (!/^\d+$/.test(value.trim())) {
    problem('bad-version', n, `v=${value} is not a number (RFC 4566 §5.1: v=0)`);
    return;
  }
  session.version = Number(value.trim());
  if (session.version !== 0) problem('bad-version', n, `v=${value}: RFC 4566 §5.1 defines only version 0`);
}

function readOrigin(session: SdpSession, value: string, n: number, problem: Report): void {
  if (session.origin !== undefined) return;
  const f = value.trim().split(/\s+/);
  if (f.length !== 6) {
    problem('bad-origin', n, `o= needs 6 fields <username> <sess-id> <sess-version> <nettype> <addrtype> <address>, found ${f.length} (RFC 4566 §5.2)`);
    return;
  }
  const [username, sessionId, sessionVersion, netType, addrType, address] = f;
  session.origin = { username, sessionId, sessionVersion, netType, addrType, address, line: n };
}

function readTiming(session: SdpSession, value: string, n: number, problem: Report): void {
  if (session.timing !== undefined) return;
  const f = value.trim().split(/\s+/);
  if (f.length !== 2 || !f.every((x) => /^\d+$/.test(x))) {
    problem('bad-timing', n, `t=${value} is not <start-time> <stop-time> (RFC 4566 §5.9)`);
    return;
  }
  session.timing = { start: f[0], stop: f[1], line: n };
}

function readConnection(value: string, n: number, raw: string, problem: Report): SdpConnection | undefined {
  const f = value.trim().split(/\s+/);
  if (f.length < 3) {
    problem('bad-connection', n, `c= needs <nettype> <addrtype> <connection-address> (RFC 4566 §5.7)`);
    return undefined;
  }
  if (f.length > 3) problem('bad-connection', n, `c= has ${f.length} fields, RFC 4566 §5.7 has 3; the first 3 are used`);
  const [netType, addr, spec] = f;
  if (netType !== 'IN') problem('bad-connection', n, `nettype "${netType}" is not IN (RFC 4566 §5.7)`);
  const addrType = addr.toUpperCase();
  if (addrType !== 'IP4' && addrType !== 'IP6') {
    problem('bad-connection', n, `addrtype "${addr}" is neither IP4 nor IP6 (RFC 4566 §5.7)`);
    return undefined;
  }
  const parts = spec.split('/');
  const c: SdpConnection = { netType, addrType, address: parts[0], line: n, raw };
  const extra = parts.slice(1);
  if (extra.some((x) => !/^\d+$/.test(x)) || extra.length > (addrType === 'IP4' ? 2 : 1)) {
    problem('bad-connection', n, `"${spec}": only <address>[/<ttl>[/<count>]] (IP4) or <address>[/<count>] (IP6) (RFC 4566 §5.7)`);
  } else if (addrType === 'IP4') {
    if (extra[0] !== undefined) c.ttl = Number(extra[0]);
    if (extra[1] !== undefined) c.addressCount = Number(extra[1]);
  } else if (extra[0] !== undefined) {
    c.addressCount = Number(extra[0]);
  }
  const family = ipFamily(c.address);
  if (family !== 0 && `IP${family}` !== addrType) {
    problem('bad-connection', n, `addrtype ${addrType} but ${c.address} is an IPv${family} address (RFC 4566 §5.7)`);
  }
  return c;
}

function readMedia(value: string, n: number, raw: string, problem: Report): SdpMedia {
  const f = value.trim().split(/\s+/).filter((x) => x !== '');
  const md: SdpMedia = {
    valid: true,
    type: f[0] ?? '',
    port: 0,
    proto: f[2] ?? '',
    formats: f.slice(3),
    line: n,
    raw,
    rtpmap: new Map(),
    fmtp: new Map(),
    rtcpMux: false,
    crypto: [],
    attributes: [],
  };
  if (f.length < 3) {
    md.valid = false;
    problem('bad-media', n, `m= needs <media> <port> <proto> <fmt> ... (RFC 4566 §5.14), found ${f.length} field(s)`);
  }
  const port = /^(\d{1,5})(?:\/(\d+))?$/.exec(f[1] ?? '');
  if (port === null || Number(port[1]) > 65535) {
    if (f[1] !== undefined) problem('bad-media', n, `port "${f[1]}" is not a number in 0–65535 (RFC 4566 §5.14)`);
    md.valid = false;
  } else {
    md.port = Number(port[1]);
    if (port[2] !== undefined) md.portCount = Number(port[2]);
  }
  if (md.valid && md.formats.length === 0) problem('missing-formats', n, 'm= lists no <fmt> (RFC 4566 §5.14)');
  if (md.valid && /RTP\//i.test(md.proto)) {
    for (const fmt of md.formats) {
      if (!/^\d{1,3}$/.test(fmt) || Number(fmt) > 127) {
        problem('bad-format', n, `"${fmt}" is not an RTP payload type 0–127 (RFC 4566 §5.14, RFC 3550 §5.1)`);
      }
    }
  }
  return md;
}

function readAttribute(session: SdpSession, media: SdpMedia | undefined, value: string, n: number, problem: Report): void {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value.trim() : value.slice(0, colon);
  const attr: SdpAttribute = colon < 0 ? { name, line: n } : { name, value: value.slice(colon + 1), line: n };
  (media ?? session).attributes.push(attr);
  const key = name.toLowerCase();
  const v = (attr.value ?? '').trim();

  if ((SDP_DIRECTIONS as readonly string[]).includes(key)) {
    const scope = media ?? session;
    if (scope.direction !== undefined) {
      problem('duplicate-direction', n, `a second direction attribute; a=${scope.direction.value} (line ${scope.direction.line}) is used`);
    } else {
      scope.direction = { value: key as SdpDirection, line: n };
    }
    return;
  }
  if (!MEDIA_ONLY.has(key)) return;
  if (media === undefined) {
    problem('media-attribute-at-session-level', n, `a=${name} is a media-level attribute; ignored before the first m=`);
    return;
  }
  switch (key) {
    case 'rtpmap': {
      const r = /^(\d{1,3})\s+([^\s/]+)\/(\d+)(?:\/(\S+))?$/.exec(v);
      if (r === null || Number(r[1]) > 127) {
        problem('bad-rtpmap', n, `a=rtpmap:${v} is not <payload type> <encoding name>/<clock rate>[/<parameters>] (RFC 4566 §6)`);
        return;
      }
      const pt = Number(r[1]);
      if (media.rtpmap.has(pt)) {
        problem('duplicate-rtpmap', n, `a second rtpmap for payload type ${pt}; line ${media.rtpmap.get(pt)?.line} is used`);
        return;
      }
      const map: SdpRtpmap = { encoding: r[2], clockRate: Number(r[3]), line: n };
      if (r[4] !== undefined && /^\d+$/.test(r[4])) map.channels = Number(r[4]);
      media.rtpmap.set(pt, map);
      return;
    }
    case 'fmtp': {
      const r = /^(\d{1,3})\s+(.+)$/.exec(v);
      if (r === null) {
        problem('bad-fmtp', n, `a=fmtp:${v} is not <format> <format specific parameters> (RFC 4566 §6)`);
        return;
      }
      const pt = Number(r[1]);
      if (media.fmtp.has(pt)) {
        problem('duplicate-fmtp', n, `a second fmtp for payload type ${pt}; line ${media.fmtp.get(pt)?.line} is used`);
        return;
      }
      media.fmtp.set(pt, { params: r[2].trim(), line: n });
      return;
    }
    case 'ptime':
      if (!/^\d+(\.\d+)?$/.test(v) || Number(v) === 0) {
        problem('bad-ptime', n, `a=ptime:${v} is not a packet time in milliseconds (RFC 4566 §6)`);
      } else if (media.ptime === undefined) {
        media.ptime = { value: Number(v), line: n };
      }
      return;
    case 'rtcp': {
      const r = /^(\d{1,5})(?:\s+(\S+)\s+(\S+)\s+(\S+))?$/.exec(v);
      if (r === null || Number(r[1]) > 65535) {
        problem('bad-rtcp', n, `a=rtcp:${v} is not <port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1)`);
        return;
      }
      if (media.rtcp !== undefined) return;
      media.rtcp = { port: Number(r[1]), line: n };
      if (r[2] !== undefined) {
        media.rtcp.netType = r[2];
        media.rtcp.addrType = r[3];
        media.rtcp.address = r[4];
      }
      return;
    }
    case 'rtcp-mux':
      media.rtcpMux = true;
      return;
    case 'crypto': {
      const f = v.split(/\s+/);
      media.crypto.push({ tag: f[0] ?? '', suite: f[1] ?? '', line: n });
      return;
    }
    default:
      return;
  }
}

function checkMedia(session: SdpSession, md: SdpMedia, problem: Report): void {
  if (md.connection === undefined && session.connection === undefined) {
    problem('missing-connection', md.line, `no c= for this ${md.type || 'media'} stream and none at session level (RFC 4566 §5.7)`);
  }
  const listed = new Set(md.formats.filter((f) => /^\d+$/.test(f)).map(Number));
  for (const [pt, map] of md.rtpmap) {
    if (!listed.has(pt)) problem('rtpmap-not-in-formats', map.line, `a=rtpmap for payload type ${pt}, which the m= line (line ${md.line}) does not list`);
  }
  for (const [pt, f] of md.fmtp) {
    if (!listed.has(pt)) problem('fmtp-not-in-formats', f.line, `a=fmtp for payload type ${pt}, which the m= line (line ${md.line}) does not list`);
  }
}
