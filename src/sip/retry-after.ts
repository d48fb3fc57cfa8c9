import { scanComment } from './comment.js';
import { isWsp } from './chars.js';
import { parseDeltaSeconds } from './delta-seconds.js';
import { parseParams, paramsDefect, type Params } from './params.js';

/**
 * Retry-After (RFC 3261 §20.33, §25.1):
 *
 * ```
 * Retry-After = "Retry-After" HCOLON delta-seconds [ comment ] *( SEMI retry-param )
 * retry-param = ("duration" EQUAL delta-seconds) / generic-param
 * comment     = LPAREN *(ctext / quoted-pair / comment) RPAREN
 * ```
 */
export interface RetryAfter {
  seconds: number;
  /** The comment without its outer parentheses, e.g. `overloaded`. */
  comment?: string;
  /** `duration` parameter, seconds. */
  duration?: number;
  params: Params;
}

export function parseRetryAfter(value: string): RetryAfter | null {
  const n = value.length;
  let i = 0;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  const ds = i;
  while (i < n && value.charCodeAt(i) >= 0x30 && value.charCodeAt(i) <= 0x39) i++;
  const seconds = parseDeltaSeconds(value, ds, i);
  if (seconds === null) return null;
  while (i < n && isWsp(value.charCodeAt(i))) i++;
  let comment: string | undefined;
  if (value.charCodeAt(i) === 0x28) {
    const c = scanComment(value, i);
    if (!c) return null;
    comment = c.comment;
    i = c.end;
    while (i < n && isWsp(value.charCodeAt(i))) i++;
  }
  if (i < n && value.charCodeAt(i) !== 0x3b) return null;
  if (paramsDefect(value, i)) return null;
  const params = parseParams(value, i);
  const out: RetryAfter = { seconds, params };
  if (comment !== undefined) out.comment = comment;
  const d = params.get('duration');
  if (d !== undefined) {
    const dn = d === null ? null : parseDeltaSeconds(d);
    if (dn === null) return null;
    out.duration = dn;
  }
  return out;
}
