import type { Headers } from './headers.js';
import { headerKey } from './header-names.js';
import { tagOf } from './name-addr.js';

/** A header given by the user that takes the place of the one sipcall wrote (`--header`). */
export interface ReplacingHeader {
  name: string;
  value: string;
}

/**
 * Puts the user's headers in place of the rows of the same name (compact forms count, RFC 3261
 * §7.3.3) that sipcall wrote: the first user row of a name takes the place of the first written
 * row and the other written rows go; further user rows of that name follow it. A name sipcall
 * did not write is appended. A From without a `tag` keeps `fromTag` (§8.1.1.3: the From "MUST
 * contain a new tag parameter").
 */
export function replaceHeaders(h: Headers, replacing: readonly ReplacingHeader[], fromTag: string | undefined): void {
  const done = new Set<string>();
  for (const r of replacing) {
    const key = headerKey(r.name);
    const value = key === 'from' && fromTag && tagOf(r.value) === undefined ? `${r.value};tag=${fromTag}` : r.value;
    if (!done.has(key)) {
      done.add(key);
      h.set(r.name, value);
      continue;
    }
    let last = -1;
    h.fields.forEach((f, i) => {
      if (f.key === key) last = i;
    });
    const field = { name: r.name, key, value };
    if (last < 0) h.fields.push(field);
    else h.fields.splice(last + 1, 0, field);
  }
}
