/**
 * A pre-encoded request {@link Template} and one reusable values array for it: the load engine
 * sets a call's fields (slot, serial, CSeq, tags, Request-URI, Route, credentials) by name and
 * writes the request into the call's slab region, with no array per request.
 *
 * Which fields a request carries is RFC 3261's: §8.1.1 ("A valid SIP request formulated by a UAC
 * MUST, at a minimum, contain the following header fields: To, From, CSeq, Call-ID,
 * Max-Forwards, and Via"), and for requests in a dialog §12.2.1.1 (the remote target as
 * Request-URI, the route set as Route, the local and remote tags, the local CSeq).
 */
import type { FieldValue, Template } from './template.js';

/** A template and a reusable values array for it. */
export class Writer {
  readonly values: FieldValue[];
  readonly at: Record<string, number> = {};
  constructor(readonly t: Template) {
    this.values = t.names.map(() => '');
    for (const n of t.names) this.at[n] = t.indexOf(n);
  }
  set(name: string, v: FieldValue): this {
    const i = this.at[name];
    if (i !== undefined) this.values[i] = v;
    return this;
  }
}
