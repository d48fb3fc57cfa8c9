import { parseNameAddr } from '../sip/name-addr.js';
import { requestUriDefect } from '../sip/request-uri.js';

/** Why the Contact or the Record-Route of a dialog-creating response cannot be used. */
export interface DialogDefect {
  /** `contact`: no usable remote target; `record-route`: no usable route set. */
  field: 'contact' | 'record-route';
  /** The value as received. */
  value: string;
  /** In words, with the RFC rule it breaks. */
  why: string;
}

/**
 * The remote target a 2xx (or reliable 1xx) gives the dialog, checked. RFC 3261 §12.1.2: "The
 * remote target MUST be set to the URI from the Contact header field of the response"; §12.1.1:
 * "The URI provided in the Contact header field MUST be a SIP or SIPS URI"; §20.10: the `*`
 * form is only for REGISTER. The URI becomes the Request-URI of the ACK and of every later
 * request (§12.2.1.1), so it must be one a Request-Line can carry (§25.1).
 */
export function checkRemoteTarget(contacts: readonly string[]): { uri: string } | DialogDefect {
  const value = contacts[0];
  if (value === undefined) return { field: 'contact', value: '', why: 'there is no Contact (RFC 3261 §12.1.1: the UAS "MUST add a Contact header field to the response")' };
  if (value.trim() === '*') return { field: 'contact', value, why: 'Contact: * names no address (RFC 3261 §20.10: the "*" form is for REGISTER only)' };
  const na = parseNameAddr(value);
  if (!na) return { field: 'contact', value, why: 'the Contact is not a name-addr or addr-spec (RFC 3261 §20.10)' };
  if (!na.uri || (na.uri.scheme !== 'sip' && na.uri.scheme !== 'sips')) {
    return { field: 'contact', value, why: `the Contact URI ${na.uriText} is not a well-formed SIP or SIPS URI (RFC 3261 §12.1.1: it "MUST be a SIP or SIPS URI")` };
  }
  const defect = requestUriDefect(na.uriText);
  if (defect) return { field: 'contact', value, why: defect };
  return { uri: na.uriText };
}

/**
 * The route set a 2xx gives the dialog, checked. RFC 3261 §12.1.2: "The route set MUST be set
 * to the list of URIs in the Record-Route header field from the response, taken in reverse
 * order and preserving all URI parameters"; §20.30 / §25.1: `rec-route = name-addr *( SEMI
 * rr-param )`, so each value is `<URI>` with a SIP or SIPS URI (the Route of later requests,
 * and with a strict router its Request-URI, §12.2.1.1).
 */
export function checkRouteSet(recordRoutes: readonly string[]): { routeSet: string[] } | DialogDefect {
  for (const value of recordRoutes) {
    const na = parseNameAddr(value);
    const bad = (why: string): DialogDefect => ({ field: 'record-route', value, why });
    if (!na || !na.bracketed) return bad('a Record-Route value is not a name-addr <URI> (RFC 3261 §25.1: rec-route = name-addr *( SEMI rr-param ))');
    if (!na.uri || (na.uri.scheme !== 'sip' && na.uri.scheme !== 'sips')) return bad(`the Record-Route URI ${na.uriText} is not a well-formed SIP or SIPS URI (RFC 3261 §19.1, §25.1)`);
    const defect = requestUriDefect(na.uriText);
    if (defect) return bad(defect);
  }
  return { routeSet: [...recordRoutes].reverse() };
}
