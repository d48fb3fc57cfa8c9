// `-H` of a header sipcall writes itself (issue 14 §6): replaced (and said), or refused with
// exit 2 when replacing would break the message (Content-Length, Via, CSeq, Call-ID, Route).
import { describe, expect, it } from 'vitest';
import { parseHeaderOption, replacementNotes } from '../../src/engine/header-values.js';
import { UsageError } from '../../src/engine/errors.js';
import { buildRequest } from '../../src/sip/build-request.js';
import { serialize } from '../../src/sip/serialize.js';

function refusal(text: string): UsageError {
  try {
    parseHeaderOption(text);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`${text} was accepted`);
}

describe('parseHeaderOption: headers sipcall writes', () => {
  it.each([
    ['Content-Length: 500', /--header Content-Length cannot be set: sipcall writes Content-Length/],
    ['l: 500', /--header l \(Content-Length\) cannot be set/],
    ['Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKx', /--header Via cannot be set/],
    ['v: SIP/2.0/UDP 1.2.3.4', /--header v \(Via\) cannot be set/],
    ['CSeq: 7 OPTIONS', /--header CSeq cannot be set/],
    ['cseq: 7 OPTIONS', /--header cseq cannot be set/],
    ['Call-ID: abc', /--header Call-ID cannot be set/],
    ['i: abc', /--header i \(Call-ID\) cannot be set/],
    ['Route: <sip:p.example.com;lr>', /--header Route cannot be set: the route set decides/],
  ])('refuses %s', (text, message) => {
    const err = refusal(text);
    expect(err.message).toMatch(message);
    expect(err.hint).toBeTruthy();
  });

  it.each([
    ['Max-Forwards: 0', 'Max-Forwards'],
    ['From: <sip:alice@example.com>', 'From'],
    ['f: <sip:alice@example.com>', 'f'],
    ['To: <sip:bob@example.com>', 'To'],
    ['t: <sip:bob@example.com>', 't'],
    ['Contact: <sip:me@192.0.2.1>', 'Contact'],
    ['m: <sip:me@192.0.2.1>', 'm'],
    ['User-Agent: probe/1', 'User-Agent'],
    ['c: text/plain', 'c'],
    ['Allow: INVITE, BYE', 'Allow'],
    ['k: timer', 'k'],
    ['Expires: 60', 'Expires'],
  ])('replaces %s', (text, name) => {
    expect(parseHeaderOption(text)).toEqual({ name, value: text.slice(text.indexOf(':') + 1).trim(), replace: true });
  });

  it('other headers are added, not replacing', () => {
    expect(parseHeaderOption('X-Test: 1')).toEqual({ name: 'X-Test', value: '1' });
    expect(parseHeaderOption('Subject: hi')).toEqual({ name: 'Subject', value: 'hi' });
  });

  it('says once per name what it replaced, and that a From without a tag keeps sipcall\'s', () => {
    const headers = ['Max-Forwards: 3', 'X-A: 1', 'From: <sip:a@b>', 'Allow: INVITE', 'Allow: BYE'].map(parseHeaderOption);
    expect(replacementNotes(headers)).toEqual([
      '--header Max-Forwards: replaces the Max-Forwards sipcall writes',
      "--header From: replaces the From sipcall writes (sipcall's tag added: RFC 3261 §8.1.1.3)",
      '--header Allow: replaces the Allow sipcall writes',
    ]);
    expect(replacementNotes([parseHeaderOption('From: <sip:a@b>;tag=mine')])).toEqual(['--header From: replaces the From sipcall writes']);
  });
});

describe('buildRequest with replacing headers', () => {
  const base = {
    method: 'OPTIONS',
    uri: 'sip:bob@127.0.0.1',
    via: 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport',
    from: '<sip:sipcall@127.0.0.1>;tag=ourtag',
    to: '<sip:bob@127.0.0.1>',
    callId: 'cid',
    cseq: 1,
    userAgent: 'sipcall/0.1',
  };
  const text = (headers: string[]) => Buffer.from(serialize(buildRequest({ ...base, headers: headers.map(parseHeaderOption) }))).toString();
  const count = (msg: string, re: RegExp) => msg.split('\r\n').filter((l) => re.test(l)).length;

  it('one row each, in the place of sipcall\'s, the user\'s value', () => {
    const msg = text(['Max-Forwards: 5', 'User-Agent: probe/1', 'X-Test: 1']);
    expect(count(msg, /^Max-Forwards:/i)).toBe(1);
    expect(msg).toContain('\r\nMax-Forwards: 5\r\n');
    expect(msg.indexOf('Max-Forwards')).toBeLessThan(msg.indexOf('From:'));
    expect(count(msg, /^User-Agent:/i)).toBe(1);
    expect(msg).toContain('\r\nUser-Agent: probe/1\r\n');
    expect(msg).toContain('\r\nX-Test: 1\r\n');
    expect(count(msg, /^Content-Length:/i)).toBe(1);
  });

  it('a compact name replaces the long one', () => {
    const msg = text(['t: <sip:carol@127.0.0.1>']);
    expect(count(msg, /^(To|t):/i)).toBe(1);
    expect(msg).toContain('\r\nt: <sip:carol@127.0.0.1>\r\n');
  });

  it('a From without a tag gets ours; with one keeps its own', () => {
    expect(text(['From: "A" <sip:alice@example.com>'])).toContain('\r\nFrom: "A" <sip:alice@example.com>;tag=ourtag\r\n');
    expect(text(['From: <sip:alice@example.com>;tag=theirs'])).toContain('\r\nFrom: <sip:alice@example.com>;tag=theirs\r\n');
  });

  it('two rows of a replaced name both go out, in order, in place of sipcall\'s one', () => {
    const msg = Buffer.from(serialize(buildRequest({ ...base, headers: [{ name: 'Allow', value: 'INVITE, BYE' }, ...['Allow: A', 'Allow: B'].map(parseHeaderOption)] }))).toString();
    expect(msg.split('\r\n').filter((l) => l.startsWith('Allow:'))).toEqual(['Allow: A', 'Allow: B']);
  });
});
