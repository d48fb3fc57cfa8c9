import { parseCSeq, type CSeq } from './cseq.js';
import type { Headers } from './headers.js';
import type { SipMessage } from './message.js';
import { tagOf } from './name-addr.js';
import { findParam } from './params.js';
import { firstListElement } from './split-list.js';
import { parseVia, type Via } from './via.js';

/**
 * Fast accessors for the fields a UAC reads from every response: Call-ID, CSeq, the top Via
 * (and its branch), the From and To tags (RFC 3261 §8.1.3.3, §17.1.3). They read the first row
 * of a header directly by its lower-case key, without building any other structure. When the
 * parser already read the field while scanning the bytes (`Headers.memo`) and the row still
 * holds the value it was read from, that reading is returned; otherwise the value is parsed.
 */

function first(headers: Headers, key: string): string | undefined {
  const f = headers.fields;
  for (let i = 0; i < f.length; i++) if (f[i].key === key) return f[i].value;
  return undefined;
}

/** The Call-ID (RFC 3261 §20.8). */
export function callId(msg: SipMessage): string | undefined {
  return first(msg.headers, 'call-id');
}

/** The parsed CSeq (RFC 3261 §20.16), or null when absent or malformed. */
export function cseqOf(msg: SipMessage): CSeq | null {
  const v = first(msg.headers, 'cseq');
  if (v === undefined) return null;
  const memo = msg.headers.memo;
  if (memo !== undefined && memo.cseq === v && memo.cseqParsed !== null) return { seq: memo.cseqParsed.seq, method: memo.cseqParsed.method };
  return parseCSeq(v);
}

/** The first Via value, parsed ("the topmost Via header field value", RFC 3261 §8.1.3.3). */
export function topVia(msg: SipMessage): Via | null {
  const v = first(msg.headers, 'via');
  return v === undefined ? null : parseVia(firstListElement(v));
}

/** The branch of the top Via (RFC 3261 §8.1.1.7), without parsing the rest of the Via. */
export function topBranch(msg: SipMessage): string | undefined {
  const v = first(msg.headers, 'via');
  if (v === undefined) return undefined;
  const memo = msg.headers.memo;
  if (memo !== undefined && memo.via === v) return memo.branch;
  const b = findParam(v, 'branch');
  return b ? b : undefined;
}

/** The From tag (RFC 3261 §8.1.1.3, §19.3). */
export function fromTag(msg: SipMessage): string | undefined {
  const v = first(msg.headers, 'from');
  if (v === undefined) return undefined;
  const memo = msg.headers.memo;
  return memo !== undefined && memo.from === v ? memo.fromTag : tagOf(v);
}

/** The To tag (RFC 3261 §8.2.6.2, §19.3); absent in a request outside a dialog and in a 100. */
export function toTag(msg: SipMessage): string | undefined {
  const v = first(msg.headers, 'to');
  if (v === undefined) return undefined;
  const memo = msg.headers.memo;
  return memo !== undefined && memo.to === v ? memo.toTag : tagOf(v);
}
