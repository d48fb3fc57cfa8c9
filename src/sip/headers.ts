import type { CSeq } from './cseq.js';
import { headerKey } from './header-names.js';
import { splitHeaderList } from './split-list.js';

/** One header field row as it appeared on the wire or as we wrote it (RFC 3261 §7.3). */
export interface HeaderField {
  /** The name as written (kept for faithful serialization, e.g. `v` or `VIA`). */
  readonly name: string;
  /** Lower-case long form, the lookup key (`v` → `via`). */
  readonly key: string;
  /** The value with surrounding whitespace removed and folded lines (LWS) joined by one space. */
  value: string;
}

/**
 * What the parser already read from a few rows while it scanned the bytes (the fields a UAC
 * reads from every message: RFC 3261 §8.1.3.3, §17.1.3). Each entry is tied to the exact value
 * it was read from (`via`, `from`, `to`, `cseq` hold the row's value): the accessors in
 * fields.ts use an entry only while the first row of that header still holds that value, so
 * editing the headers can never make them stale.
 */
export interface ParsedMemo {
  /** The value of the first Via row, and the branch of its first element. */
  via: string | undefined;
  branch: string | undefined;
  from: string | undefined;
  fromTag: string | undefined;
  to: string | undefined;
  toTag: string | undefined;
  cseq: string | undefined;
  cseqParsed: CSeq | null;
}

/**
 * The header section of a SIP message, in order. Lookups are case-insensitive and treat compact
 * forms as their long names (RFC 3261 §7.3.1, §7.3.3). Repeated rows keep their order
 * ("the relative order of header fields with the same field name is important", §7.3.1).
 */
export class Headers {
  readonly fields: HeaderField[];
  /** Filled by the parser; see `ParsedMemo`. */
  memo: ParsedMemo | undefined;

  constructor(fields: HeaderField[] = [], memo?: ParsedMemo) {
    this.fields = fields;
    this.memo = memo;
  }

  /** A new field row; `name` is written as given, looked up by its key. */
  static field(name: string, value: string): HeaderField {
    return { name, key: headerKey(name), value };
  }

  /** The value of the first row with this name, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const f of this.fields) if (f.key === key) return f.value;
    return undefined;
  }

  /** The values of every row with this name, in order (rows are not split at commas). */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const f of this.fields) if (f.key === key) out.push(f.value);
    return out;
  }

  /**
   * Every list element of every row with this name, in order: rows are merged and split at
   * the commas outside quotes and angle brackets (RFC 3261 §7.3.1). For Via, Contact, Route,
   * Record-Route, Allow, Supported, …
   */
  list(name: string): string[] {
    const out: string[] = [];
    for (const v of this.getAll(name)) for (const part of splitHeaderList(v)) out.push(part);
    return out;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((f) => f.key === key);
  }

  /** Adds a row at the end. */
  append(name: string, value: string): this {
    this.fields.push(Headers.field(name, value));
    return this;
  }

  /** Adds a row before all others (e.g. our Via on top). */
  prepend(name: string, value: string): this {
    this.fields.unshift(Headers.field(name, value));
    return this;
  }

  /** Replaces every row with this name by one row (at the place of the first), or appends. */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const i = this.fields.findIndex((f) => f.key === key);
    if (i < 0) return this.append(name, value);
    this.fields[i] = Headers.field(name, value);
    for (let j = this.fields.length - 1; j > i; j--) if (this.fields[j].key === key) this.fields.splice(j, 1);
    return this;
  }

  /** Removes every row with this name. */
  delete(name: string): this {
    const key = headerKey(name);
    for (let j = this.fields.length - 1; j >= 0; j--) if (this.fields[j].key === key) this.fields.splice(j, 1);
    return this;
  }

  clone(): Headers {
    return new Headers(this.fields.map((f) => ({ ...f })));
  }
}
