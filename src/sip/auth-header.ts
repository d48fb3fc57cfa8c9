import { isTokenChar, isWsp } from './chars.js';

/**
 * WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization: a generic reading
 * into scheme and parameters (RFC 3261 §20.27, §20.28, §20.7, §20.44, §25.1):
 *
 * ```
 * challenge       = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 * other-challenge = auth-scheme LWS auth-param *(COMMA auth-param)
 * auth-param      = auth-param-name EQUAL ( token / quoted-string )
 * ```
 *
 * Parameter names are stored in lower case, values with quotes removed (quoted-pairs
 * resolved); a parameter whose value was quoted is listed in `quoted` (Digest cares: `qop` is
 * quoted in a challenge and not in credentials, RFC 3261 §25.1). The digest logic is in
 * src/auth. These values contain commas inside their parameters, so read them with
 * `headers.getAll(name)`, not `headers.list(name)`.
 */
export interface AuthHeader {
  /** The scheme as written (`Digest`); compare case-insensitively. */
  scheme: string;
  params: Map<string, string>;
  /** Names of the parameters whose value was a quoted-string. */
  quoted: Set<string>;
}

/**
 * Parses one header row; a row may carry several challenges separated by commas (a new
 * challenge starts where a token is followed by whitespace instead of `=`). Null when
 * malformed.
 */
export function parseAuthHeaders(value: string): AuthHeader[] | null {
  const out: AuthHeader[] = [];
  const n = value.length;
  let i = 0;
  const skipWs = (): void => {
    while (i < n && isWsp(value.charCodeAt(i))) i++;
  };
  const token = (): string => {
    const s = i;
    while (i < n && isTokenChar(value.charCodeAt(i))) i++;
    return value.slice(s, i);
  };
  skipWs();
  let current: AuthHeader | null = null;
  let pendingName: string | null = null;
  while (i < n) {
    const name = pendingName ?? token();
    pendingName = null;
    if (!name) return null;
    skipWs();
    if (value.charCodeAt(i) !== 0x3d) {
      // a scheme
      current = { scheme: name, params: new Map(), quoted: new Set() };
      out.push(current);
      if (i >= n) break;
      const p = token();
      if (!p) return null;
      pendingName = p;
      continue;
    }
    if (!current) return null;
    i++;
    skipWs();
    let v: string;
    if (value.charCodeAt(i) === 0x22) {
      v = '';
      let s = ++i;
      while (i < n && value.charCodeAt(i) !== 0x22) {
        if (value.charCodeAt(i) === 0x5c) {
          v += value.slice(s, i);
          s = ++i;
        }
        i++;
      }
      if (i >= n) return null;
      v += value.slice(s, i);
      i++;
      current.quoted.add(name.toLowerCase());
    } else {
      const s = i;
      while (i < n && value.charCodeAt(i) !== 0x2c && !isWsp(value.charCodeAt(i))) i++;
      v = value.slice(s, i);
    }
    current.params.set(name.toLowerCase(), v);
    skipWs();
    if (i >= n) break;
    if (value.charCodeAt(i) !== 0x2c) return null;
    i++;
    skipWs();
  }
  return out.length > 0 ? out : null;
}

/** Parses a row holding exactly one challenge or credentials; null otherwise. */
export function parseAuthHeader(value: string): AuthHeader | null {
  const all = parseAuthHeaders(value);
  return all && all.length === 1 ? all[0] : null;
}
