/**
 * Date (RFC 3261 §20.17, §25.1): `SIP-date = rfc1123-date`, and
 * > "RFC 3261 … restricts the time zone in SIP-date to "GMT"" (§20.17).
 *
 * ```
 * rfc1123-date = wkday "," SP date1 SP time SP "GMT"
 * date1        = 2DIGIT SP month SP 4DIGIT
 * time         = 2DIGIT ":" 2DIGIT ":" 2DIGIT
 * ```
 * Returns the instant, or null when the value does not follow that grammar (e.g. `EST`,
 * RFC 4475 §3.1.2.12).
 */
const WKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHAPE = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

export function parseSipDate(value: string): Date | null {
  const m = SHAPE.exec(value.trim());
  if (!m || !WKDAYS.includes(m[1])) return null;
  const month = MONTHS.indexOf(m[3]);
  if (month < 0) return null;
  const [day, year, h, min, s] = [m[2], m[4], m[5], m[6], m[7]].map(Number);
  if (day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return null;
  return new Date(Date.UTC(year, month, day, h, min, s));
}
