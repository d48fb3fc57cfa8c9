import { describe, expect, it } from 'vitest';
import { jsonVisible, visible, visibleDeep, visibleText } from '../../src/present/visible.js';

/** Any C0 control but TAB and LF, DEL, a C1 control, or a bidi control. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe('visible: one line of wire text', () => {
  it('shows ESC, BEL, CR, LF, NUL, DEL, C1 and bidi controls as escapes', () => {
    expect(visible('Busy\x1b[2J Here')).toBe('Busy\\x1b[2J Here');
    expect(visible('\x1b]0;pwned\x07')).toBe('\\x1b]0;pwned\\x07');
    expect(visible('a\rb\nc\0d\x7fe\x9b31mf')).toBe('a\\rb\\nc\\0d\\x7fe\\x9b31mf');
    expect(visible('abc\u202edcba')).toBe('abc\\u{202e}dcba');
    expect(visible('\u2066x\u2069')).toBe('\\u{2066}x\\u{2069}');
  });

  it('leaves ordinary text, TAB, backslashes and non-ASCII letters alone (the same string)', () => {
    const s = 'OK\tfine \\x1b "Zoë" <sip:ü@example.com> → ✓';
    expect(visible(s)).toBe(s);
  });

  it('leaves nothing raw, whatever the input', () => {
    let all = '';
    for (let c = 0; c < 0x2100; c++) all += String.fromCharCode(c);
    expect(RAW_CONTROL.test(visible(all))).toBe(false);
    expect(visible(all)).not.toContain('\n');
  });
});

describe('visibleText: a whole message', () => {
  it('keeps CRLF and LF as line ends, shows a lone CR and every other control', () => {
    expect(visibleText('SIP/2.0 200 OK\r\nServer: x\x1b[2J\r\n\r\n')).toBe('SIP/2.0 200 OK\r\nServer: x\\x1b[2J\r\n\r\n');
    expect(visibleText('a\rb\nc')).toBe('a\\rb\nc');
  });
});

describe('visibleDeep: every string of an event', () => {
  it('copies only what changed, and keeps the rest by reference', () => {
    const e = { type: 'response.received', reason: 'OK\x1b[2J', n: 3, list: ['a', 'b\x07'], nested: { x: 'fine' } };
    const v = visibleDeep(e);
    expect(v).toEqual({ type: 'response.received', reason: 'OK\\x1b[2J', n: 3, list: ['a', 'b\\x07'], nested: { x: 'fine' } });
    expect(v.nested).toBe(e.nested);
    expect(e.reason).toBe('OK\x1b[2J'); // the original is not touched
    const clean = { type: 'note', text: 'hello' };
    expect(visibleDeep(clean)).toBe(clean);
  });

  it('the keys named multi-line keep their line ends', () => {
    const e = { type: 'wire', text: 'A\r\nB\x1b\r\n' };
    expect(visibleDeep(e, new Set(['text']))).toEqual({ type: 'wire', text: 'A\r\nB\\x1b\r\n' });
    expect(visibleDeep(e)).toEqual({ type: 'wire', text: 'A\\r\\nB\\x1b\\r\\n' });
  });
});

describe('jsonVisible: JSON lines keep exact values', () => {
  it('escapes DEL, C1 and bidi controls as \\u, and parses back to the same value', () => {
    const value = { reason: 'x\x1b[2J\x7f\x9b\u202e\x07y' };
    const line = jsonVisible(JSON.stringify(value));
    expect(RAW_CONTROL.test(line)).toBe(false);
    expect(line).toContain('\\u009b');
    expect(JSON.parse(line)).toEqual(value);
  });
});
