/**
 * Generic parameters: `;name=value` lists as used by Via, From/To, Contact and URIs
 * (RFC 3261 §25.1 `generic-param`, `uri-parameter`). Names are case-insensitive and stored in
 * lower case; a value may be a token, a host or a quoted string (kept with its quotes removed
 * and quoted-pairs resolved). A parameter without `=` has the value `null`.
 */
export type Params = Map<string, string | null>;

/**
 * Parses `;a=1;b;c="x;y"` (the leading `;` optional). Linear; never throws; a stray `;` is
 * skipped. Whitespace around `;` and `=` is allowed (RFC 3261 §7.3.1 LWS/SWS).
 */
export function parseParams(text: string, start = 0, end = text.length): Params {
  const params: Params = new Map();
  let i = start;
  while (i < end) {
    while (i < end && (text[i] === ';' || text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= end) break;
    const nameStart = i;
    while (i < end && text[i] !== '=' && text[i] !== ';') i++;
    const name = text.slice(nameStart, i).trim().toLowerCase();
    let value: string | null = null;
    if (i < end && text[i] === '=') {
      i++;
      while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
      if (text[i] === '"') {
        i++;
        let v = '';
        while (i < end && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < end) i++;
          v += text[i];
          i++;
        }
        i++; // closing quote
        value = v;
        while (i < end && text[i] !== ';') i++;
      } else {
        const vs = i;
        while (i < end && text[i] !== ';') i++;
        value = text.slice(vs, i).trim();
      }
    }
    if (name) params.set(name, value);
  }
  return params;
}

/** Writes params back as `;a=1;b` (values that need it are quoted). */
export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) {
    if (v === null) out += `;${k}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~:\[\]]*$/.test(v)) out += `;${k}=${v}`;
    else out += `;${k}="${v.replace(/(["\\])/g, '\\$1')}"`;
  }
  return out;
}
