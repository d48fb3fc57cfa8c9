import { describe, expect, it } from 'vitest';
import { field, tpl, writeDecimal } from '../../src/load/template.js';

describe('Template: pre-encoded runs with patch points', () => {
  const t = tpl`INVITE ${'sip:{not-a-field}@h'} SIP/2.0\r\nCSeq: ${field('cseq')} INVITE\r\nCall-ID: run-${field('call')}\r\n${field('auth')}X: ${field('cseq')}\r\n\r\n`;

  it('writes constants and fields; a constant that looks like a field stays text; a field may repeat', () => {
    expect(t.names).toEqual(['cseq', 'call', 'auth']);
    const out = Buffer.alloc(200);
    const end = t.write(out, 10, [42, 1234567, 'Authorization: Digest x\r\n']);
    expect(out.toString('latin1', 10, end)).toBe('INVITE sip:{not-a-field}@h SIP/2.0\r\nCSeq: 42 INVITE\r\nCall-ID: run-1234567\r\nAuthorization: Digest x\r\nX: 42\r\n\r\n');
    expect(t.measure([42, 1234567, 'Authorization: Digest x\r\n'])).toBe(end - 10);
  });

  it('returns -1 when the message does not fit before the limit, and never writes past it', () => {
    const out = Buffer.alloc(100, 0x2e);
    expect(t.write(out, 0, [1, 2, ''], 40)).toBe(-1);
    expect(out.toString('latin1', 40)).toBe('.'.repeat(60));
    expect(t.write(out, 0, [1, 2, 'A'.repeat(80)], 100)).toBe(-1);
  });

  it('writeDecimal: 0, 7, 10, 2^32, and -1 when out of room', () => {
    const out = Buffer.alloc(12);
    expect(out.toString('latin1', 0, writeDecimal(out, 0, 0))).toBe('0');
    expect(out.toString('latin1', 0, writeDecimal(out, 0, 7))).toBe('7');
    expect(out.toString('latin1', 0, writeDecimal(out, 0, 10))).toBe('10');
    expect(out.toString('latin1', 0, writeDecimal(out, 0, 4294967296))).toBe('4294967296');
    expect(writeDecimal(out, 5, 4294967296)).toBe(-1);
  });
});
