import { isTokenChar, isWsp } from './chars.js';
import { parseParams, paramsDefect, type Params } from './params.js';

/**
 * Content-Type (RFC 3261 §20.15, §25.1):
 * `media-type = m-type SLASH m-subtype *(SEMI m-parameter)` with `SLASH = SWS "/" SWS`.
 * Type and subtype are compared case-insensitively and stored in lower case.
 */
export interface ContentType {
  type: string;
  subtype: string;
  /** `type/subtype`, lower case (e.g. `application/sdp`). */
  mediaType: string;
  params: Params;
}

export function parseContentType(value: string): ContentType | null {
  const n = value.length;
  let i = 0;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  const ts = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const te = i;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  if (te === ts || value.charCodeAt(i) !== 0x2f) return null;
  i++;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  const ss = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const se = i;
  if (se === ss) return null;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  if (i < n && value.charCodeAt(i) !== 0x3b) return null;
  if (paramsDefect(value, i)) return null;
  const type = value.slice(ts, te).toLowerCase();
  const subtype = value.slice(ss, se).toLowerCase();
  return { type, subtype, mediaType: `${type}/${subtype}`, params: parseParams(value, i) };
}
