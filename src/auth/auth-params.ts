/**
 * The lexer under WWW-Authenticate and Proxy-Authenticate values (RFC 3261 §25.1, RFC 7235
 * §2.1): `challenge = auth-scheme LWS auth-param *(COMMA auth-param)`, where an auth-param is
 * `token "=" ( token / quoted-string )`.
 *
 * Tolerant on purpose: a row may hold several challenges (a new challenge starts at a token
 * that is not followed by `=`), quoted strings may contain commas (`qop="auth,auth-int"`),
 * whitespace and folded lines (CRLF + SP/HTAB, RFC 3261 §7.3.1) are allowed anywhere LWS is,
 * parameter names are case-insensitive (kept in lower case). Linear; never throws.
 */

/** One challenge as written: its scheme and its parameters in order, values unquoted. */
export interface RawChallenge {
  scheme: string;
  params: Array<[name: string, value: string]>;
  /** The `token68` form of non-Digest schemes (e.g. `Bearer abc.def`), RFC 7235 §2.1. */
  token68?: string;
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isDelim = (c: string | undefined): boolean => c === undefined || c === ',' || c === '=' || c === '"' || isWs(c);

/** Joins folded lines: "CRLF followed by whitespace" is one SP (RFC 3261 §7.3.1). */
export function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ');
}

/** Splits one header field value into its challenges. */
export function lexChallenges(value: string): RawChallenge[] {
  const s = unfold(value);
  const out: RawChallenge[] = [];
  let current: RawChallenge | undefined;
  let commaSinceScheme = false;
  let i = 0;
  const skipWs = (): void => {
    while (isWs(s[i])) i++;
  };

  while (i < s.length) {
    skipWs();
    if (s[i] === ',') {
      commaSinceScheme = true;
      i++;
      continue;
    }
    if (i >= s.length) break;
    const start = i;
    while (!isDelim(s[i])) i++;
    const token = s.slice(start, i);
    if (!token) {
      i++; // a stray `=` or `"`: skip it
      continue;
    }
    skipWs();
    if (s[i] === '=') {
      i++;
      skipWs();
      // `Bearer abc==`: a token68 with padding, not a parameter.
      if (current && !commaSinceScheme && current.params.length === 0 && (s[i] === '=' || s[i] === ',' || i >= s.length)) {
        let pad = '=';
        while (s[i] === '=') {
          pad += '=';
          i++;
        }
        current.token68 = token + pad;
        continue;
      }
      const v = readValue(s, i);
      i = v.end;
      if (current) {
        const name = token.toLowerCase();
        if (!current.params.some(([n]) => n === name)) current.params.push([name, v.value]);
      }
      continue;
    }
    if (current && !commaSinceScheme && current.params.length === 0 && current.token68 === undefined) {
      current.token68 = token;
      continue;
    }
    current = { scheme: token, params: [] };
    commaSinceScheme = false;
    out.push(current);
  }
  return out;
}

/** A token or a quoted-string (backslash quoted-pairs resolved, RFC 3261 §25.1). */
function readValue(s: string, i: number): { value: string; end: number } {
  if (s[i] === '"') {
    i++;
    let v = '';
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\' && i + 1 < s.length) i++;
      v += s[i];
      i++;
    }
    return { value: v, end: i + 1 };
  }
  const start = i;
  while (i < s.length && s[i] !== ',' && !isWs(s[i])) i++;
  return { value: s.slice(start, i), end: i };
}
