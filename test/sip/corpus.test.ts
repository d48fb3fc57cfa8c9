import { describe, expect, it } from 'vitest';
import { callId, cseqOf, fromTag, toTag, topBranch, topVia } from '../../src/sip/fields.js';
import { inspectMessage } from '../../src/sip/inspect.js';
import { parseMessage, type ParseProblemCode, type SipParseErrorCode } from '../../src/sip/parse.js';
import { parseUri } from '../../src/sip/uri.js';
import { parseVia } from '../../src/sip/via.js';
import { CORPUS_ABSENT_NOTE, CORPUS_DIR, CORPUS_PRESENT, RESPONSES_DIR, manifest, readMessage } from './corpus.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Every message of the torture corpus is a test case. Expected values were read by hand from
 * the .dat files (start line, Call-ID, CSeq, top Via branch, From/To tags, body length), not
 * from the parser's output.
 */
interface Valid {
  first: string | number;
  callId: string;
  cseq: [number, string];
  branch: string | undefined;
  fromTag: string | undefined;
  toTag: string | undefined;
  body: number;
  extra?: number;
  /** Parse problems expected (exactly these, in any order). */
  problems?: ParseProblemCode[];
  /** inspectMessage warnings expected besides the parse problems. */
  warnings?: string[];
}

/** Rejected by parseMessage: the error code. */
interface Rejected {
  reject: SipParseErrorCode;
  /** Codes inspectMessage must report (errors), at least. */
  findings?: string[];
}

/** Parsed by parseMessage, reported invalid by inspectMessage with these error codes. */
interface Flagged {
  flag: string[];
  first: string | number;
  callId: string;
  problems?: ParseProblemCode[];
}

type Expectation = Valid | Rejected | Flagged;

const U = undefined;
const SSG = 'SSG9559905523997077@hlau_4100';
const INTMETH = "!interesting-Method0123456789_*+`.%indeed'~";

const RFC4475: Record<string, Expectation> = {
  // §3.1.1 valid
  wsinv: { first: 'INVITE', callId: 'wsinv.ndaksdj@192.0.2.1', cseq: [9, 'INVITE'], branch: '390skdjuw', fromTag: '98asjd8', toTag: '1918181833n', body: 150, problems: ['branch-without-cookie'] },
  intmeth: {
    first: INTMETH,
    callId: 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{',
    cseq: [139122385, INTMETH],
    branch: "z9hG4bK-.!%66*_+`'~",
    fromTag: "_token~1'+`*%!-.",
    toTag: U,
    body: 0,
  },
  esc01: { first: 'INVITE', callId: 'esc01.239409asdfakjkn23onasd0-3234', cseq: [234234, 'INVITE'], branch: 'z9hG4bKkdjuw', fromTag: '938', toTag: U, body: 150 },
  escnull: { first: 'REGISTER', callId: 'escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd', cseq: [14398234, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: '839923423', toTag: U, body: 0 },
  esc02: { first: 'RE%47IST%45R', callId: 'esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf', cseq: [29344, 'RE%47IST%45R'], branch: 'z9hG4bK209%fzsnel234', fromTag: 'f232jadfj23', toTag: U, body: 0 },
  lwsdisp: { first: 'OPTIONS', callId: 'lwsdisp.1234abcd@funky.example.com', cseq: [60, 'OPTIONS'], branch: 'z9hG4bKkdjuw', fromTag: '323', toTag: U, body: 0 },
  longreq: {
    first: 'INVITE',
    callId: `longreq.one${'really'.repeat(20)}longcallid`,
    cseq: [3882340, 'INVITE'],
    branch: U, // the top one of its 34 Via rows has no branch
    fromTag: `12${'982'.repeat(50)}424`,
    toTag: U,
    body: 150,
    problems: ['no-branch'],
  },
  dblreq: { first: 'REGISTER', callId: 'dblreq.0ha0isndaksdj99sdfafnl3lk233412', cseq: [8, 'REGISTER'], branch: 'z9hG4bKkdjuw23492', fromTag: '43251j3j324', toTag: U, body: 0, extra: 450, problems: ['extra-bytes'] },
  semiuri: { first: 'OPTIONS', callId: 'semiuri.0ha0isndaksdj', cseq: [8, 'OPTIONS'], branch: 'z9hG4bKkdjuw', fromTag: '33242', toTag: U, body: 0 },
  transports: { first: 'OPTIONS', callId: 'transports.kijh4akdnaqjkwendsasfdj', cseq: [60, 'OPTIONS'], branch: 'z9hG4bKkdjuw', fromTag: '323', toTag: U, body: 0 },
  mpart01: { first: 'MESSAGE', callId: '3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..', cseq: [1, 'MESSAGE'], branch: 'z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-', fromTag: '2fb0dcc9', toTag: U, body: 553 },
  unreason: { first: 200, callId: 'unreason.1234ksdfak3j2erwedfsASdf', cseq: [35, 'INVITE'], branch: 'z9hG4bK1324923', fromTag: '11141343', toTag: '2229', body: 154 },
  noreason: { first: 100, callId: 'noreason.asndj203insdf99223ndf', cseq: [35, 'INVITE'], branch: 'z9hG4bK2398ndaoe', fromTag: '39ansfi3', toTag: '902jndnke3', body: 0 },
  // §3.1.2 invalid: rejected by the parser, or parsed and flagged by inspectMessage (docs/rfc4475.md)
  badinv01: { flag: ['empty-list-element', 'bad-via', 'bad-parameter'], first: 'INVITE', callId: 'badinv01.0ha0isndaksdjasdf3234nas', problems: ['no-branch'] },
  clerr: { reject: 'content-length-exceeds-body' },
  ncl: { reject: 'bad-content-length' },
  scalar02: { reject: 'bad-cseq', findings: ['bad-cseq', 'bad-max-forwards', 'bad-expires'] },
  scalarlg: { reject: 'bad-cseq', findings: ['bad-cseq', 'bad-retry-after', 'bad-warning'] },
  quotbal: { flag: ['unterminated-quote'], first: 'INVITE', callId: 'quotbal.aksdj' },
  ltgtruri: { reject: 'bad-request-uri' },
  lwsruri: { reject: 'bad-start-line' },
  lwsstart: { reject: 'bad-start-line' },
  trws: { reject: 'bad-start-line' },
  escruri: { flag: ['headers-in-request-uri'], first: 'INVITE', callId: 'escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5' },
  baddate: { flag: ['bad-date'], first: 'INVITE', callId: 'baddate.239423mnsadf3j23lj42--sedfnm234' },
  regbadct: { flag: ['addr-spec-needs-brackets'], first: 'REGISTER', callId: 'regbadct.k345asrl3fdbv@10.0.0.1' },
  badaspec: { flag: ['lws-in-addr-spec'], first: 'OPTIONS', callId: 'badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3' },
  // the archive copy has no empty line after the headers (SOURCE.md): tolerated, and flagged
  // for what it is meant to test, the unquoted display names with a comma
  baddn: { flag: ['display-name-not-token'], first: 'OPTIONS', callId: 'baddn.31415@c.example.com', problems: ['missing-empty-line'] },
  badvers: { reject: 'bad-version' },
  mismatch01: { reject: 'cseq-method-mismatch' },
  mismatch02: { reject: 'cseq-method-mismatch' },
  bigcode: { reject: 'bad-status-code' },
  // §3.2 transaction layer
  badbranch: { first: 'OPTIONS', callId: 'badbranch.sadonfo23i420jv0as0derf3j3n', cseq: [8, 'OPTIONS'], branch: 'z9hG4bK', fromTag: '33242', toTag: U, body: 0, problems: ['branch-cookie-only'] },
  // §3.3 application layer: the parser accepts, except what breaks framing or the required headers
  insuf: { reject: 'missing-required-header' },
  unkscm: { first: 'OPTIONS', callId: 'unkscm.nasdfasser0q239nwsdfasdkl34', cseq: [3923423, 'OPTIONS'], branch: 'z9hG4bKkdjuw39234', fromTag: '384', toTag: U, body: 0 },
  novelsc: { first: 'OPTIONS', callId: 'novelsc.asdfasser0q239nwsdfasdkl34', cseq: [3923423, 'OPTIONS'], branch: 'z9hG4bKkdjuw39234', fromTag: '384', toTag: U, body: 0 },
  unksm2: { first: 'REGISTER', callId: 'unksm2.daksdj@hyphenated-host.example.com', cseq: [234902, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: '3234233', toTag: U, body: 0 },
  bext01: { first: 'OPTIONS', callId: 'bext01.0ha0isndaksdj', cseq: [8, 'OPTIONS'], branch: 'z9hG4bKkdjuw', fromTag: '242etr', toTag: U, body: 0 },
  invut: { first: 'INVITE', callId: 'invut.0ha0isndaksdjadsfij34n23d', cseq: [235448, 'INVITE'], branch: 'z9hG4bKkdjuw', fromTag: '8392034', toTag: U, body: 40 },
  regaut01: { first: 'REGISTER', callId: 'regaut01.0ha0isndaksdj', cseq: [9338, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: '87321hj23128', toTag: U, body: 0 },
  multi01: { reject: 'duplicate-header', findings: ['duplicate-header'] },
  mcl01: { reject: 'conflicting-content-length' },
  bcast: { first: 200, callId: 'bcast.0384840201234ksdfak3j2erwedfsASdf', cseq: [35, 'INVITE'], branch: 'z9hG4bK1324923', fromTag: '11141343', toTag: '2229', body: 154 },
  zeromf: { first: 'OPTIONS', callId: 'zeromf.jfasdlfnm2o2l43r5u0asdfas', cseq: [39234321, 'OPTIONS'], branch: 'z9hG4bKkdjuw2349i', fromTag: '3ghsd41', toTag: U, body: 0 },
  cparam01: { first: 'REGISTER', callId: 'cparam01.70710@saturn.example.com', cseq: [2, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: 'DkfVgjkrtMwaerKKpe', toTag: U, body: 0 },
  cparam02: { first: 'REGISTER', callId: 'cparam02.70710@saturn.example.com', cseq: [3, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: '838293', toTag: U, body: 0 },
  regescrt: { first: 'REGISTER', callId: 'regescrt.k345asrl3fdbv@192.0.2.1', cseq: [14398234, 'REGISTER'], branch: 'z9hG4bKkdjuw', fromTag: '8', toTag: U, body: 0 },
  sdp01: { first: 'INVITE', callId: 'sdp01.ndaksdj9342dasdd', cseq: [8, 'INVITE'], branch: 'z9hG4bKkdjuw', fromTag: '234', toTag: U, body: 150 },
  // §3.4 RFC 2543 compatibility: no branch, no From tag, no Content-Length, no Max-Forwards
  inv2543: {
    first: 'INVITE',
    callId: 'inv2543.1717@ift.client.example.com',
    cseq: [56, 'INVITE'],
    branch: U,
    fromTag: U,
    toTag: U,
    body: 105,
    problems: ['no-content-length', 'no-branch', 'missing-max-forwards'],
    warnings: ['no-from-tag'],
  },
  // not in the RFC text: no SIP-Version on the Request-Line, a header line without a colon
  test: { reject: 'bad-start-line', findings: ['bad-start-line', 'bad-header-line'] },
};

const RFC5118: Record<string, Expectation> = {
  'ipv6-good': { first: 'REGISTER', callId: SSG, cseq: [98176, 'REGISTER'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: U, body: 0 },
  'ipv6-bad': { reject: 'bad-request-uri' },
  'port-ambiguous': { first: 'REGISTER', callId: SSG, cseq: [98176, 'REGISTER'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: U, body: 0 },
  'port-unambiguous': { first: 'REGISTER', callId: SSG, cseq: [98176, 'REGISTER'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: U, body: 0 },
  'via-received-param-with-delim': { first: 'BYE', callId: SSG, cseq: [321, 'BYE'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: 'bd76ya', body: 0 },
  'via-received-param-no-delim': { first: 'OPTIONS', callId: 'SSG95523997077@hlau_4100', cseq: [921, 'OPTIONS'], branch: 'z9hG4bKas3', fromTag: '81x2', toTag: U, body: 0 },
  // Content-Length 268 but 251 body bytes once CRLF was restored (SOURCE.md): over UDP a
  // Content-Length larger than what arrived is an error; see the dedicated test below
  'ipv6-in-sdp': { reject: 'content-length-exceeds-body' },
  'mult-ip-in-header': { first: 'BYE', callId: '997077@lau_4100', cseq: [89187, 'BYE'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: '9817--94', body: 0 },
  // Content-Length 181, 189 bytes arrived (CRLF restored): framed by Content-Length, the 8
  // extra bytes reported
  'mult-ip-in-sdp': { first: 'INVITE', callId: SSG, cseq: [8912, 'INVITE'], branch: 'z9hG4bKas3-111', fromTag: '81x2', toTag: U, body: 181, extra: 8, problems: ['extra-bytes'] },
  'ipv4-mapped-ipv6': { first: 'INVITE', callId: SSG, cseq: [612, 'INVITE'], branch: 'z9hG4bKbh19', fromTag: '81x2', toTag: U, body: 236, extra: 9, problems: ['extra-bytes'] },
  // "tolerate" (RFC 5118 §4.10): accepted, with a warning naming the three-colon address
  'ipv6-bug-abnf-3-colons': { first: 'OPTIONS', callId: 'G9559905523997077@hlau_4100', cseq: [689, 'OPTIONS'], branch: 'z9hG4bKas3-111', fromTag: '810x2', toTag: U, body: 0, problems: ['missing-empty-line'], warnings: ['ipv6-abnf-bug', 'ipv6-abnf-bug'] }, // Request-URI and To
  'ipv6-correct-abnf-2-colons': { first: 'OPTIONS', callId: 'G9559905523997077@hlau_4100', cseq: [689, 'OPTIONS'], branch: 'z9hG4bKas3-111', fromTag: '810x2', toTag: U, body: 0, problems: ['missing-empty-line'] },
};

const CID1 = '3848276298220188511@10.0.0.23';
const CID2 = '1j9FpLxk3uxtm8tn@10.0.0.23';
const RESPONSES: Record<string, Expectation> = {
  'r01-100-trying': { first: 100, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: U, body: 0 },
  'r02-180-ringing-multivia': { first: 180, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK.3f8a2c1d', fromTag: '9fxced76sl', toTag: '8321234356', body: 0 },
  'r03-183-session-progress-sdp': { first: 183, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: '8321234356', body: 240 },
  'r04-200-invite-sdp': { first: 200, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: '8321234356', body: 257 },
  'r05-200-register-contacts': { first: 200, callId: CID2, cseq: [2, 'REGISTER'], branch: 'z9hG4bKnashd92', fromTag: 'ja743ks76zlflH', toTag: '37GkEhwl6', body: 0 },
  'r06-302-contacts-qvalues': { first: 302, callId: '5e1f0c2a9b7d@10.0.0.23', cseq: [1, 'INVITE'], branch: 'z9hG4bK.a1b2c3d4', fromTag: '4b7c1a', toTag: 'rd-77812', body: 0 },
  'r07-401-www-authenticate': { first: 401, callId: CID2, cseq: [1, 'REGISTER'], branch: 'z9hG4bKnashd91', fromTag: 'ja743ks76zlflH', toTag: '1410948204', body: 0 },
  'r08-407-proxy-authenticate': { first: 407, callId: CID1, cseq: [100, 'INVITE'], branch: 'z9hG4bK2c9e71', fromTag: '9fxced76sl', toTag: 'a0bd1f4e-1c', body: 0 },
  'r09-486-busy-here': { first: 486, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: '8321234356', body: 0 },
  'r10-503-retry-after': { first: 503, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: 'ov-5531', body: 0 },
  'r11-603-decline-ipv6': { first: 603, callId: '7d1e44a0-3b2f-4c71-9a2e-61d3c0f5b8e2', cseq: [1, 'INVITE'], branch: 'z9hG4bK-524287-1---f5e3a9', fromTag: '5a2e1c90', toTag: 'a6c85cf', body: 0 },
  'r12-200-options-compact': { first: 200, callId: 'opt-5d1f7c@10.0.0.23', cseq: [1, 'OPTIONS'], branch: 'z9hG4bKopt88', fromTag: '77aa01', toTag: '3fe2a9', body: 201 },
  'r13-200-invite-no-content-length': { first: 200, callId: CID1, cseq: [101, 'INVITE'], branch: 'z9hG4bK74bf9a1c', fromTag: '9fxced76sl', toTag: '8321234356', body: 257, problems: ['no-content-length'] },
  'r14-bad-status-line': { reject: 'bad-status-code' },
  'r15-non-numeric-code': { reject: 'bad-status-code' },
  'r16-code-99': { reject: 'bad-status-code' },
  'r17-code-700': { reject: 'bad-status-code' },
  'r18-missing-call-id': { reject: 'missing-required-header' },
  'r19-content-length-exceeds-body': { reject: 'content-length-exceeds-body' },
  'r20-nul-bytes': { reject: 'nul-in-header' },
};

function check(bytes: Buffer, exp: Expectation): void {
  const r = parseMessage(bytes);
  const report = inspectMessage(bytes);
  const errorCodes = report.findings.filter((f) => f.severity === 'error').map((f) => f.code);
  const warningCodes = report.findings.filter((f) => f.severity === 'warning').map((f) => f.code);
  if ('reject' in exp) {
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(exp.reject);
    expect(r.error.offset).toBeGreaterThanOrEqual(0);
    expect(r.error.offset).toBeLessThanOrEqual(bytes.length);
    expect(report.valid).toBe(false);
    expect(errorCodes).toContain(exp.reject);
    for (const f of exp.findings ?? []) expect(errorCodes).toContain(f);
    return;
  }
  expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
  if (!r.ok) return;
  const m = r.message;
  expect(m.kind === 'request' ? m.method : m.status).toBe(exp.first);
  expect(callId(m)).toBe(exp.callId);
  expect(r.problems.map((p) => p.code).sort()).toEqual([...(exp.problems ?? [])].sort());
  if ('flag' in exp) {
    expect(report.valid).toBe(false);
    for (const f of exp.flag) expect(errorCodes).toContain(f);
    return;
  }
  const cs = cseqOf(m);
  expect(cs && [cs.seq, cs.method]).toEqual(exp.cseq);
  expect(topBranch(m)).toBe(exp.branch);
  expect(fromTag(m)).toBe(exp.fromTag);
  expect(toTag(m)).toBe(exp.toTag);
  expect(m.body.length).toBe(exp.body);
  expect(r.extraBytes).toBe(exp.extra ?? 0);
  // inspect agrees: valid, same ids, and the warnings are the parse problems plus the listed ones
  expect(report.valid, report.problems.join('\n')).toBe(true);
  expect(report.callId).toBe(exp.callId);
  expect(report.branch).toBe(exp.branch);
  expect(warningCodes.sort()).toEqual([...(exp.problems ?? []), ...(exp.warnings ?? [])].sort());
}

function corpusSuite(dir: string, table: Record<string, Expectation>): void {
  if (!existsSync(path.join(dir, 'MANIFEST.json'))) return; // skipped suite (corpus absent)
  const entries = manifest(dir);
  it('has an expectation for every message of the manifest, and no other', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(table).sort());
  });
  for (const e of entries) {
    const exp = table[e.name];
    it(`${e.name} (${e.section ?? 'extra'}, ${e.validity}${e.parser_expect ? `, ${e.parser_expect}` : ''})`, () => {
      expect(exp, `no expectation for ${e.name}`).toBeDefined();
      // the manifest's verdict and ours agree: valid ones parse, invalid ones are rejected or
      // flagged, except RFC 5118 §4.10's "tolerate" and the Content-Length artefact above
      if (e.validity === 'invalid' && e.parser_expect !== 'tolerate') expect('reject' in exp || 'flag' in exp).toBe(true);
      if (e.validity === 'valid' && e.name !== 'ipv6-in-sdp') expect('reject' in exp || 'flag' in exp).toBe(false);
      if (typeof e.body_bytes === 'number' && 'body' in exp && !e.name.startsWith('mult-ip') && !e.name.startsWith('ipv4-mapped') && e.name !== 'dblreq') {
        expect(exp.body).toBe(e.body_bytes);
      }
      check(readMessage(dir, e.file), exp);
    });
  }
}

describe('test/fixtures/responses', () => {
  corpusSuite(RESPONSES_DIR, RESPONSES);

  it('r12 uses only compact names and still reads every field', () => {
    const r = parseMessage(readMessage(RESPONSES_DIR, 'r12-200-options-compact.dat'));
    if (!r.ok) throw r.error;
    expect(r.message.headers.fields.map((f) => f.name).slice(0, 4)).toEqual(['v', 'f', 't', 'i']);
    expect(r.message.headers.get('Content-Type')).toBe('application/sdp');
    expect(r.message.headers.list('supported').length).toBeGreaterThan(0);
  });

  it('r11: IPv6 sent-by with port, rport and a bare IPv6 received', () => {
    const r = parseMessage(readMessage(RESPONSES_DIR, 'r11-603-decline-ipv6.dat'));
    if (!r.ok) throw r.error;
    const via = topVia(r.message);
    expect(via).toMatchObject({ protocol: 'SIP/2.0', transport: 'UDP', host: '[2001:db8:0:1::23]', port: 5062, rport: 5062, received: '2001:db8:0:1::8a2e' });
  });

  it('r13 (no Content-Length) is framed to the end of the datagram on UDP but refused on a stream', () => {
    const bytes = readMessage(RESPONSES_DIR, 'r13-200-invite-no-content-length.dat');
    const r = parseMessage(bytes, { stream: true });
    expect(r.ok ? 'ok' : r.error.code).toBe('missing-content-length');
  });

  it('r19: the error says how much arrived, at the end of the input', () => {
    const bytes = readMessage(RESPONSES_DIR, 'r19-content-length-exceeds-body.dat');
    const r = parseMessage(bytes);
    if (r.ok) throw new Error('accepted');
    expect(r.error.offset).toBe(bytes.length);
    expect(r.error.reason).toContain('only 240 body bytes');
  });

  it('r20: the NUL offset is the first NUL octet of the Reason-Phrase', () => {
    const bytes = readMessage(RESPONSES_DIR, 'r20-nul-bytes.dat');
    const r = parseMessage(bytes);
    if (r.ok) throw new Error('accepted');
    expect(r.error.offset).toBe(bytes.indexOf(0));
    expect(r.error.offset).toBeLessThan(bytes.indexOf('\r\n'));
  });
});

const rfcDir = (name: string): string => path.join(CORPUS_DIR, name);

describe.skipIf(!CORPUS_PRESENT)('RFC 4475 torture messages (../shared/corpus/rfc4475)', () => {
  corpusSuite(rfcDir('rfc4475'), RFC4475);

  it('wsinv: folded values are unfolded with one SP, compact and mixed-case names merge', () => {
    const r = parseMessage(readMessage(rfcDir('rfc4475'), 'wsinv.dat'));
    if (!r.ok) throw r.error;
    const h = r.message.headers;
    expect(h.get('newfangledheader')).toBe('newfangled value continued newfangled value');
    // the fold (CRLF + indent) becomes one SP; whitespace inside a line is kept as written
    expect(h.get('to')).toBe('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    expect(h.get('cseq')).toBe('0009 INVITE');
    expect(h.list('via')).toHaveLength(3);
    expect(h.list('via').map((v) => parseVia(v)?.branch)).toEqual(['390skdjuw', 'z9hG4bK9ikj8', 'z9hG4bK30239']);
    expect(h.get('max-forwards')).toBe('0068');
    expect(h.get('subject')).toBe('');
  });

  it('longreq: 34 Via rows under every spelling of Via and v', () => {
    const r = parseMessage(readMessage(rfcDir('rfc4475'), 'longreq.dat'));
    if (!r.ok) throw r.error;
    const vias = r.message.headers.list('Via');
    expect(vias).toHaveLength(34);
    expect(parseVia(vias[33])?.branch).toMatch(/^verylong/);
    expect(new Set(r.message.headers.fields.filter((f) => f.key === 'via').map((f) => f.name)).size).toBeGreaterThan(8);
  });

  it('esc01 and semiuri: the Request-URI is decoded exactly once', () => {
    const e = parseMessage(readMessage(rfcDir('rfc4475'), 'esc01.dat'));
    const s = parseMessage(readMessage(rfcDir('rfc4475'), 'semiuri.dat'));
    if (!e.ok || !s.ok || e.message.kind !== 'request' || s.message.kind !== 'request') throw new Error('not parsed');
    expect(parseUri(e.message.uri)).toMatchObject({ user: 'sips:user@example.com', host: 'example.net' });
    const semi = parseUri(s.message.uri);
    expect(semi?.user).toBe('user;par=u@example.net');
    expect(semi?.host).toBe('example.com');
    expect(semi?.params.size).toBe(0);
  });

  it('unreason: a UTF-8 Reason-Phrase is decoded as UTF-8', () => {
    const r = parseMessage(readMessage(rfcDir('rfc4475'), 'unreason.dat'));
    if (!r.ok || r.message.kind !== 'response') throw new Error('not parsed');
    expect(r.message.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
  });

  it('noreason: an empty Reason-Phrase after the SP', () => {
    const r = parseMessage(readMessage(rfcDir('rfc4475'), 'noreason.dat'));
    if (!r.ok || r.message.kind !== 'response') throw new Error('not parsed');
    expect(r.message.reason).toBe('');
  });

  it('mpart01: the binary body (NUL, bare CR/LF) is framed by Content-Length only', () => {
    const bytes = readMessage(rfcDir('rfc4475'), 'mpart01.dat');
    const r = parseMessage(bytes);
    if (!r.ok) throw r.error;
    expect(r.message.body.includes(0)).toBe(true);
    expect(Buffer.from(r.message.body).equals(bytes.subarray(bytes.length - 553))).toBe(true);
  });

  it('dblreq: the trailing second message is reported, not parsed and not dropped silently', () => {
    const r = parseMessage(readMessage(rfcDir('rfc4475'), 'dblreq.dat'));
    if (!r.ok) throw r.error;
    expect(r.extraBytes).toBe(450);
    expect(r.problems.find((p) => p.code === 'extra-bytes')?.text).toContain('450 bytes');
  });

  it('scalar02/scalarlg: CSeq above 2**32-1 is a bad-cseq error at parse time', () => {
    for (const f of ['scalar02.dat', 'scalarlg.dat']) {
      const r = parseMessage(readMessage(rfcDir('rfc4475'), f));
      expect(r.ok ? 'ok' : r.error.reason).toContain('2**32-1');
    }
  });
});

describe.skipIf(!CORPUS_PRESENT)('RFC 5118 IPv6 torture messages (../shared/corpus/rfc5118)', () => {
  corpusSuite(rfcDir('rfc5118'), RFC5118);

  it('ipv6-in-sdp parses once its Content-Length matches the CRLF body (251 bytes)', () => {
    const bytes = readMessage(rfcDir('rfc5118'), 'ipv6-in-sdp.dat');
    const fixed = Buffer.from(bytes.toString('latin1').replace('Content-Length: 268', 'Content-Length: 251'), 'latin1');
    const r = parseMessage(fixed);
    if (!r.ok) throw r.error;
    expect(callId(r.message)).toBe(SSG);
    expect(cseqOf(r.message)).toEqual({ seq: 8612, method: 'INVITE' });
    expect(topBranch(r.message)).toBe('z9hG4bKas3-111');
    expect(fromTag(r.message)).toBe('81x2');
    expect(r.message.body.length).toBe(251);
    expect(r.extraBytes).toBe(0);
  });

  it('port-ambiguous vs port-unambiguous: the port belongs outside the brackets', () => {
    const a = parseMessage(readMessage(rfcDir('rfc5118'), 'port-ambiguous.dat'));
    const b = parseMessage(readMessage(rfcDir('rfc5118'), 'port-unambiguous.dat'));
    if (!a.ok || !b.ok || a.message.kind !== 'request' || b.message.kind !== 'request') throw new Error('not parsed');
    expect(parseUri(a.message.uri)).toMatchObject({ host: '[2001:db8::10:5070]', hostType: 'ipv6' });
    expect(parseUri(a.message.uri)?.port).toBeUndefined();
    expect(parseUri(b.message.uri)).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
  });

  it('Via received with and without brackets are both read (RFC 5118 §4.5)', () => {
    const w = parseMessage(readMessage(rfcDir('rfc5118'), 'via-received-param-with-delim.dat'));
    const n = parseMessage(readMessage(rfcDir('rfc5118'), 'via-received-param-no-delim.dat'));
    if (!w.ok || !n.ok) throw new Error('not parsed');
    expect(topVia(w.message)?.received).toBe('[2001:db8::9:255]');
    expect(topVia(n.message)?.received).toBe('2001:db8::9:255');
  });

  it('mult-ip-in-header: IPv6 sent-by with port, IPv4, IPv6 with an IPv4 received', () => {
    const r = parseMessage(readMessage(rfcDir('rfc5118'), 'mult-ip-in-header.dat'));
    if (!r.ok) throw r.error;
    const vias = r.message.headers.list('via').map((v) => parseVia(v));
    expect(vias.map((v) => [v?.host, v?.port, v?.transport])).toEqual([
      ['[2001:db8::9:1]', 6050, 'UDP'],
      ['192.0.2.1', undefined, 'UDP'],
      ['[2001:db8::9:255]', undefined, 'TCP'],
    ]);
    expect(vias[2]?.received).toBe('192.0.2.200');
  });
});

if (!CORPUS_PRESENT) {
  describe('RFC corpus', () => {
    it.skip(CORPUS_ABSENT_NOTE, () => {});
  });
}
