import { describe, expect, it } from 'vitest';
import { COMPACT_FORMS, fastHeaderKey, headerKey } from '../../src/sip/header-names.js';
import { Headers } from '../../src/sip/headers.js';
import { parseMessage } from '../../src/sip/parse.js';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

describe('header names (RFC 3261 §7.3.1, §7.3.3)', () => {
  it('every compact form of the IANA registry', () => {
    expect(COMPACT_FORMS).toEqual({
      a: 'accept-contact',
      b: 'referred-by',
      c: 'content-type',
      d: 'request-disposition',
      e: 'content-encoding',
      f: 'from',
      i: 'call-id',
      j: 'reject-contact',
      k: 'supported',
      l: 'content-length',
      m: 'contact',
      o: 'event',
      r: 'refer-to',
      s: 'subject',
      t: 'to',
      u: 'allow-events',
      v: 'via',
      x: 'session-expires',
      y: 'identity',
    });
    for (const [c, long] of Object.entries(COMPACT_FORMS)) {
      expect(headerKey(c)).toBe(long);
      expect(headerKey(c.toUpperCase())).toBe(long);
      expect(fastHeaderKey(c.toUpperCase())).toBe(long);
    }
  });

  it('case-insensitive; unknown names lower-cased; fastHeaderKey agrees with headerKey', () => {
    for (const n of ['Call-ID', 'CALL-ID', 'call-id', 'Call-Id', 'cAlL-iD', 'WWW-Authenticate', 'X-Custom', 'C%6Fntact', 'z', 'Max-Forwards', 'MAX-FORWARDS']) {
      expect(fastHeaderKey(n), n).toBe(headerKey(n));
    }
    expect(headerKey('Call-Id')).toBe('call-id');
    expect(headerKey('C%6Fntact')).toBe('c%6fntact');
  });
});

describe('Headers', () => {
  it('looks up by any spelling or compact form; keeps order and names as written', () => {
    const h = new Headers();
    h.append('v', 'SIP/2.0/UDP a;branch=z9hG4bK1').append('VIA', 'SIP/2.0/UDP b;branch=z9hG4bK2').append('Call-ID', 'x@y');
    expect(h.get('Via')).toBe('SIP/2.0/UDP a;branch=z9hG4bK1');
    expect(h.getAll('via')).toHaveLength(2);
    expect(h.get('i')).toBe('x@y');
    expect(h.has('I')).toBe(true);
    expect(h.fields.map((f) => f.name)).toEqual(['v', 'VIA', 'Call-ID']);
  });

  it('list() merges repeated rows in order and splits at commas (§7.3.1)', () => {
    const h = new Headers();
    h.append('Contact', '<sip:a@x>;q=0.5, "B, the second" <sip:b@x>').append('m', 'sip:c@x');
    expect(h.list('contact')).toEqual(['<sip:a@x>;q=0.5', '"B, the second" <sip:b@x>', 'sip:c@x']);
  });

  it('set replaces every row at the place of the first; delete removes all; prepend puts on top', () => {
    const h = new Headers();
    h.append('A', '1').append('Via', 'v1').append('B', '2').append('v', 'v2');
    h.set('VIA', 'v3');
    expect(h.fields.map((f) => `${f.name}=${f.value}`)).toEqual(['A=1', 'VIA=v3', 'B=2']);
    h.prepend('Via', 'v0');
    expect(h.get('via')).toBe('v0');
    h.delete('via');
    expect(h.has('v')).toBe(false);
    h.set('New', 'n');
    expect(h.get('new')).toBe('n');
  });

  it('clone is deep for rows', () => {
    const h = new Headers().append('X', '1');
    const c = h.clone();
    c.fields[0].value = '2';
    expect(h.get('x')).toBe('1');
  });
});

describe('header section as parsed', () => {
  const msg = crlf([
    'SIP/2.0 200 OK',
    'v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
    'VIA: SIP/2.0/UDP b.example.com;branch=z9hG4bK2, SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
    'f: <sip:a@example.com>;tag=1',
    't: <sip:b@example.com>;tag=2',
    'i: abc@example.com',
    'CSEQ: 1 INVITE',
    'm: <sip:b@192.0.2.1>',
    'k: 100rel, timer',
    'k: path',
    'c: application/sdp',
    'e: gzip',
    's: hello',
    'o: presence',
    'u: dialog',
    'a: *;audio',
    'j: *;video',
    'b: <sip:r@example.com>',
    'r: <sip:q@example.com>',
    'x: 1800;refresher=uac',
    'y: sig',
    'd: proxy',
    'X-Folded: one,',
    '  two,',
    '\tthree',
    'Empty:',
    'Spaced   :   value with  inner  spaces   ',
    'l: 0',
    '',
    '',
  ]);

  it('every compact form reads as its long name', () => {
    const r = parseMessage(msg);
    if (!r.ok) throw r.error;
    const h = r.message.headers;
    expect(h.list('Via')).toEqual(['SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'SIP/2.0/UDP b.example.com;branch=z9hG4bK2', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3']);
    expect(h.get('From')).toBe('<sip:a@example.com>;tag=1');
    expect(h.get('To')).toBe('<sip:b@example.com>;tag=2');
    expect(h.get('Call-ID')).toBe('abc@example.com');
    expect(h.get('Contact')).toBe('<sip:b@192.0.2.1>');
    expect(h.list('Supported')).toEqual(['100rel', 'timer', 'path']);
    expect(h.get('Content-Type')).toBe('application/sdp');
    expect(h.get('Content-Encoding')).toBe('gzip');
    expect(h.get('Subject')).toBe('hello');
    expect(h.get('Event')).toBe('presence');
    expect(h.get('Allow-Events')).toBe('dialog');
    expect(h.get('Accept-Contact')).toBe('*;audio');
    expect(h.get('Reject-Contact')).toBe('*;video');
    expect(h.get('Referred-By')).toBe('<sip:r@example.com>');
    expect(h.get('Refer-To')).toBe('<sip:q@example.com>');
    expect(h.get('Session-Expires')).toBe('1800;refresher=uac');
    expect(h.get('Identity')).toBe('sig');
    expect(h.get('Request-Disposition')).toBe('proxy');
    expect(h.get('Content-Length')).toBe('0');
  });

  it('folded lines are joined with one SP; values trimmed; inner spaces kept; empty values', () => {
    const r = parseMessage(msg);
    if (!r.ok) throw r.error;
    const h = r.message.headers;
    expect(h.get('x-folded')).toBe('one, two, three');
    expect(h.list('x-folded')).toEqual(['one', 'two', 'three']);
    expect(h.get('empty')).toBe('');
    expect(h.get('spaced')).toBe('value with  inner  spaces');
    expect(h.fields.find((f) => f.key === 'spaced')?.name).toBe('Spaced');
  });
});
