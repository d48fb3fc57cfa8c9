/**
 * The dialog facts a load call takes from a 2xx to its INVITE, read from the response in place
 * ({@link ResponseView}'s offsets), RFC 3261 §12.1.2: "The route set MUST be set to the list of
 * URIs in the Record-Route header field from the response, taken in reverse order and preserving
 * all URI parameters. […] The remote target MUST be set to the URI from the Contact header field
 * of the response." The call's BYE (§15.1.1) and the ACK of its 2xx (§13.2.2.4) are sent with
 * them (§12.2.1.1). A fact that cannot be put on the wire is undefined: the call then fails
 * (engine.ts, `EngineCounters.badTarget`).
 */
import { parseNameAddr } from '../sip/name-addr.js';
import { splitHeaderList } from '../sip/split-list.js';
import type { ResponseView } from './response-scan.js';

/**
 * The remote target of a 2xx (§12.1.2: "The remote target MUST be set to the URI from the
 * Contact header field of the response"), when it is a SIP or SIPS URI a Request-Line can carry
 * (no whitespace or controls).
 */
export function remoteTarget(buf: Buffer, v: ResponseView): string | undefined {
  if (v.contactS < 0) return undefined;
  const text = buf.toString('latin1', v.contactS, v.contactE);
  const na = parseNameAddr(splitHeaderList(text)[0] ?? '');
  if (!na || !na.uri) return undefined;
  const uri = na.uriText;
  if (!/^sips?:[^\s\x00-\x1f\x7f<>"]+$/i.test(uri)) return undefined;
  return uri;
}

/**
 * The route set of a 2xx as Route header lines (§12.1.2: "the route set MUST be set to the list
 * of URIs in the Record-Route header field from the response, taken in reverse order"); '' when
 * there is none, undefined when an entry is unusable.
 */
export function routeSet(buf: Buffer, v: ResponseView): string | undefined {
  if (v.rrN === 0) return '';
  const entries: string[] = [];
  for (let i = 0; i < v.rrN; i++) entries.push(...splitHeaderList(buf.toString('latin1', v.rrS[i]!, v.rrE[i]!)));
  const out: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const na = parseNameAddr(entries[i]!);
    if (!na || !na.uri || !na.bracketed || /[\x00-\x1f\x7f]/.test(entries[i]!)) return undefined;
    out.push(entries[i]!.trim());
  }
  return `Route: ${out.join(', ')}\r\n`;
}
