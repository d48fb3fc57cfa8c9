import type { Verdict } from '../../events/types.js';
import type { SipResponse } from '../../sip/message.js';
import { parseWarning } from '../../sip/warning.js';

/** RFC 3261 §20.43 warn-codes about media, in plain words. */
const WARN_CODES: Record<number, string> = {
  300: 'incompatible network protocol',
  301: 'incompatible network address formats',
  302: 'incompatible transport protocol (e.g. SRTP vs RTP)',
  303: 'incompatible bandwidth units',
  304: 'media type not available',
  305: 'incompatible media format (no common codec)',
  306: 'attribute not understood',
  307: 'session description parameter not understood',
  330: 'multicast not available',
  331: 'unicast not available',
  370: 'insufficient bandwidth',
  399: 'miscellaneous warning',
};

/**
 * `codec-mismatch` for a 488 Not Acceptable Here or 606 Not Acceptable to our offer
 * (RFC 3261 §21.4.26, §21.6.4): the Warning header's codes (§20.43: 304 media type not
 * available, 305 incompatible media format, …) and a `Reason` header, decoded, as evidence.
 */
export function mediaRefusedResponse(res: SipResponse, offered: string): Verdict | undefined {
  if (res.status !== 488 && res.status !== 606) return undefined;
  const warnings = res.headers.list('warning').map((w) => ({ raw: w, parsed: parseWarning(w) }));
  const reason = res.headers.get('reason');
  const evidence = [`we offered ${offered}`, `${res.status} ${res.reason}`];
  for (const w of warnings) {
    if (w.parsed) evidence.push(`Warning ${w.parsed.code} (${WARN_CODES[w.parsed.code] ?? 'see RFC 3261 §20.43'}) from ${w.parsed.agent}: "${w.parsed.text}"`);
    else evidence.push(`Warning (malformed): ${w.raw}`);
  }
  if (reason) evidence.push(`Reason: ${reason}`);
  if (!warnings.length && !reason) evidence.push('no Warning or Reason header says why');
  const codes = warnings.map((w) => w.parsed?.code).filter((c): c is number => c !== undefined);
  const srtp = codes.includes(302);
  return {
    id: codes.some((c) => c === 304 || c === 305) || !srtp ? 'codec-mismatch' : 'srtp-required',
    text: `the peer refused our media offer (${res.status} ${res.reason}${codes.length ? `, Warning ${codes.join(', ')}` : ''})`,
    evidence,
    next: srtp
      ? ['the peer wants SRTP (RTP/SAVP); sipcall offers plain RTP/AVP only']
      : ['enable PCMU (G.711 µ-law) or PCMA (A-law) on the peer, or check its media policy; sipcall offers only G.711 and telephone-event'],
  };
}
