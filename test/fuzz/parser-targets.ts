/**
 * Fuzz targets for the pure readers of the wire: the SIP message parser (RFC 3261 §7, §18.3,
 * §25), the URI parser (§19.1), the header-field parsers (§20, §25.1) and the SDP reader
 * (RFC 4566). Each target is a fast-check property whose check function throws on a defect:
 * an exception the API promises never to throw, an `internal-error` (the parser's own catch of
 * a bug), or a result that contradicts its input.
 */
import fc from 'fast-check';
import { parseChallenges } from '../../src/auth/challenge.js';
import { parseSdp, SdpParseError } from '../../src/media/sdp.js';
import { codecOf, payloadTypes } from '../../src/media/sdp-codecs.js';
import { effectiveConnection, effectiveDirection } from '../../src/media/sdp-session.js';
import { parseAuthHeaders } from '../../src/sip/auth-header.js';
import { scanComment } from '../../src/sip/comment.js';
import { parseContacts, parseQValue } from '../../src/sip/contact.js';
import { parseContentLength } from '../../src/sip/content-length.js';
import { parseContentType } from '../../src/sip/content-type.js';
import { parseCSeq } from '../../src/sip/cseq.js';
import { parseSipDate } from '../../src/sip/date.js';
import { unescapeText, validEscapes } from '../../src/sip/escape.js';
import { parseExpires, parseMinExpires } from '../../src/sip/expires.js';
import { callId, cseqOf, fromTag, toTag, topBranch, topVia } from '../../src/sip/fields.js';
import { classifyHost } from '../../src/sip/host.js';
import { inspectMessage, splitMessages } from '../../src/sip/inspect.js';
import { parseMaxForwards } from '../../src/sip/max-forwards.js';
import { checkNameAddr, tagOf } from '../../src/sip/name-addr.js';
import { findParam, paramsDefect, parseParams } from '../../src/sip/params.js';
import { parseMessage, parseMessageDetailed, SipParseError } from '../../src/sip/parse.js';
import { parseProductList } from '../../src/sip/product.js';
import { requestUriDefect } from '../../src/sip/request-uri.js';
import { parseRetryAfter } from '../../src/sip/retry-after.js';
import { serialize } from '../../src/sip/serialize.js';
import { firstListElement, splitHeaderList, splitHeaderListKeepEmpty } from '../../src/sip/split-list.js';
import { parseTokenList } from '../../src/sip/token-list.js';
import { formatUri, isValidUri, parseUri } from '../../src/sip/uri.js';
import { parseVia } from '../../src/sip/via.js';
import { parseWarning } from '../../src/sip/warning.js';
import { fieldText, mutatedMessage, sdpText, sipBytes, uriText } from './arbitraries.js';
import type { FuzzTarget } from './target.js';

function fail(what: string): never {
  throw new Error(what);
}

/** One reading of `bytes` as a datagram and as a stream: a message or a typed error, never a throw. */
function parseBoth(bytes: Buffer): void {
  for (const stream of [false, true]) {
    const r = parseMessage(bytes, { stream });
    if (!r.ok) {
      if (!(r.error instanceof SipParseError)) fail('error is not a SipParseError');
      if (r.error.code === 'internal-error') fail(`parser bug: ${r.error.reason}`);
      if (!(r.error.offset >= 0 && r.error.offset <= bytes.length)) fail(`error offset ${r.error.offset} outside 0–${bytes.length}`);
      continue;
    }
    const m = r.message;
    if (r.extraBytes < 0 || m.body.length + r.extraBytes > bytes.length) fail('body and extra bytes exceed the input');
    callId(m);
    cseqOf(m);
    topBranch(m);
    topVia(m);
    fromTag(m);
    toTag(m);
    for (const name of ['via', 'contact', 'route', 'record-route', 'allow', 'supported']) m.headers.list(name);
    parseContacts(m.headers.list('contact'));
    // what was accepted can be written back out and read again
    const again = parseMessage(serialize(m), { stream });
    if (!again.ok && again.error.code === 'internal-error') fail(`re-parse bug: ${again.error.reason}`);
  }
}

/** The detailed reading and the inspector (`sipcall explain`) agree with the quick one. */
function parseDetailed(bytes: Buffer): void {
  const quick = parseMessage(bytes);
  const d = parseMessageDetailed(bytes);
  if (d.errors.some((e) => e.code === 'internal-error')) fail('detailed parser bug');
  if ((d.errors.length === 0 && d.message !== null) !== quick.ok) fail('detailed and quick readings disagree on acceptance');
  const report = inspectMessage(bytes);
  if (typeof report.valid !== 'boolean') fail('inspect gave no verdict');
  for (const part of splitMessages(bytes)) if (part.length === 0) fail('splitMessages gave an empty part');
}

function readUri(text: string): void {
  const u = parseUri(text);
  if ((u !== null) !== isValidUri(text)) fail('parseUri and isValidUri disagree');
  requestUriDefect(text);
  if (u) {
    classifyHost(u.host);
    const again = parseUri(formatUri(u));
    if (again === null) fail(`a parsed URI does not re-parse after formatting: ${JSON.stringify(text)}`);
  }
}

function readFields(text: string): void {
  parseVia(text);
  parseCSeq(text);
  checkNameAddr(text);
  tagOf(text);
  parseParams(text);
  findParam(text, 'tag');
  paramsDefect(text);
  splitHeaderList(text);
  splitHeaderListKeepEmpty(text);
  firstListElement(text);
  parseContacts([text, text]);
  parseQValue(text);
  parseAuthHeaders(text);
  parseChallenges([text]);
  parseContentLength(text);
  parseContentType(text);
  parseSipDate(text);
  parseExpires(text);
  parseMinExpires(text);
  parseMaxForwards(text);
  parseRetryAfter(text);
  parseWarning(text);
  parseProductList(text);
  parseTokenList([text]);
  classifyHost(text);
  validEscapes(text);
  unescapeText(text);
  scanComment(text, 0);
  scanComment(`(${text}`, 0);
}

function readSdp(text: string): void {
  let session;
  try {
    session = parseSdp(text);
  } catch (e) {
    if (e instanceof SdpParseError) return; // empty, or not SDP at all: the one documented throw
    throw e;
  }
  for (const p of session.problems) if (!(p.line >= 0 && p.line <= session.lines.length + 1)) fail(`problem line ${p.line} outside the body`);
  for (const m of session.media) {
    effectiveConnection(session, m);
    effectiveDirection(session, m);
    for (const pt of payloadTypes(m)) codecOf(m, pt);
  }
}

export const PARSER_TARGETS: readonly FuzzTarget[] = [
  { name: 'parser: seed messages with random edits', share: 0.24, arbitrary: mutatedMessage, check: parseBoth },
  { name: 'parser: arbitrary SIP-flavoured bytes', share: 0.1, arbitrary: sipBytes, check: parseBoth },
  { name: 'parser: detailed reading and inspect', share: 0.05, arbitrary: fc.oneof(mutatedMessage, sipBytes), check: parseDetailed },
  { name: 'URI parser', share: 0.1, arbitrary: fc.oneof(uriText, fieldText), check: readUri },
  { name: 'header-field parsers', share: 0.14, arbitrary: fieldText, check: readFields },
  { name: 'SDP parser', share: 0.1, arbitrary: sdpText, check: readSdp },
];
