// The Contact and Record-Route of a dialog-creating response become Request-URIs and Route
// headers (RFC 3261 §12.1.2, §12.2.1.1): what cannot be used is named, with the rule it breaks.
import { describe, expect, it } from 'vitest';
import { checkRemoteTarget, checkRouteSet } from '../../src/dialog/dialog-checks.js';
import { dialogFromResponse } from '../../src/dialog/dialog.js';
import { parseMessage } from '../../src/sip/parse.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';

describe('checkRemoteTarget (RFC 3261 §12.1.1, §12.1.2)', () => {
  const good: Array<[string, string]> = [
    ['<sip:bob@192.0.2.1:5060>', 'sip:bob@192.0.2.1:5060'],
    ['"Bob" <sips:bob@example.com;transport=tls>;expires=60', 'sips:bob@example.com;transport=tls'],
    ['sip:bob@[2001:db8::1]:5070', 'sip:bob@[2001:db8::1]:5070'],
  ];
  for (const [value, uri] of good) it(`takes ${value}`, () => expect(checkRemoteTarget([value])).toEqual({ uri }));

  const bad: Array<[string[], RegExp]> = [
    [[], /no Contact/],
    [['*'], /for REGISTER only/],
    [['<garbage'], /not a name-addr|not a well-formed/],
    [['<http://example.com/>'], /not a well-formed SIP or SIPS URI/],
    [['<tel:+15551234>'], /not a well-formed SIP or SIPS URI/],
    [['<sip:bob@2001:db8::1>'], /not a well-formed|not a name-addr/],
  ];
  for (const [values, why] of bad) {
    it(`refuses ${JSON.stringify(values)}`, () => {
      const r = checkRemoteTarget(values);
      expect('field' in r && r.field).toBe('contact');
      expect('why' in r && r.why).toMatch(why);
    });
  }
});

describe('checkRouteSet (RFC 3261 §12.1.2, §25.1 rec-route)', () => {
  it('reverses a good Record-Route list', () => {
    expect(checkRouteSet(['<sip:p1.example;lr>', '<sip:p2.example;lr;r2=on>'])).toEqual({ routeSet: ['<sip:p2.example;lr;r2=on>', '<sip:p1.example;lr>'] });
    expect(checkRouteSet([])).toEqual({ routeSet: [] });
  });
  for (const value of ['<sip:p1.example;lr', 'sip:p1.example;lr', '<tel:+1555>', '<garbage>']) {
    it(`refuses ${value}`, () => {
      const r = checkRouteSet(['<sip:ok.example;lr>', value]);
      expect(r).toMatchObject({ field: 'record-route', value });
    });
  }
});

describe('dialogFromResponse falls back on where the INVITE went', () => {
  const parse = <T>(text: string): T => {
    const p = parseMessage(Buffer.from(text));
    if (!p.ok) throw new Error(p.error.reason);
    return p.message as T;
  };
  const invite = parse<SipRequest>(
    ['INVITE sip:bob@192.0.2.1 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKx', 'Route: <sip:out.example;lr>', 'From: <sip:a@x>;tag=a1', 'To: <sip:bob@192.0.2.1>', 'Call-ID: c1', 'CSeq: 4 INVITE', 'Contact: <sip:a@192.0.2.9>', 'Content-Length: 0', '', ''].join('\r\n'),
  );
  const ok = (extra: string[]) => parse<SipResponse>(['SIP/2.0 200 OK', 'Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKx', 'From: <sip:a@x>;tag=a1', 'To: <sip:bob@192.0.2.1>;tag=b1', 'Call-ID: c1', 'CSeq: 4 INVITE', ...extra, 'Content-Length: 0', '', ''].join('\r\n'));

  it('a good 2xx: Contact and Record-Route, no defect', () => {
    const { dialog, defects } = dialogFromResponse(invite, ok(['Contact: <sip:bob@192.0.2.7>', 'Record-Route: <sip:p.example;lr>']));
    expect(defects).toEqual([]);
    expect(dialog).toMatchObject({ remoteTarget: 'sip:bob@192.0.2.7', routeSet: ['<sip:p.example;lr>'], remoteTag: 'b1', localSeq: 4 });
  });

  it('Contact: * → the INVITE Request-URI; bad Record-Route → the INVITE Route headers', () => {
    const { dialog, defects } = dialogFromResponse(invite, ok(['Contact: *', 'Record-Route: <sip:p.example;lr']));
    expect(defects.map((d) => d.field)).toEqual(['contact', 'record-route']);
    expect(dialog.remoteTarget).toBe('sip:bob@192.0.2.1');
    expect(dialog.routeSet).toEqual(['<sip:out.example;lr>']);
  });
});
