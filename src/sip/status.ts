/**
 * The status-code registry: what a response code means, in plain words, and what to check next.
 * Pure data and lookups; the table itself is in `status-table.ts`.
 */
import type { Category } from '../events/types.js';
import { STATUS_ROWS } from './status-table.js';

export interface StatusInfo {
  code: number;
  category: Category;
  /** The canonical reason phrase (the wire may carry any text, RFC 3261 §7.2). */
  reason: string;
  /** One sentence in plain words. */
  meaning: string;
  /** The defining RFC, e.g. `RFC 3261`. */
  rfc: string;
  /** What to check next, for the common failures. */
  next?: string;
  /** False when the code is not in the registry and was mapped to its class's stand-in. */
  known: boolean;
}

/**
 * RFC 3261 §7.2: "The first digit of the Status-Code defines the class of response. […]
 * 1xx: Provisional […] 2xx: Success […] 3xx: Redirection […] 4xx: Client Error […]
 * 5xx: Server Error […] 6xx: Global Failure".
 */
const CATEGORY_BY_CLASS: readonly Category[] = [
  'provisional',
  'success',
  'redirection',
  'client-error',
  'server-error',
  'global-failure',
];

/** A Status-Code is a 3-digit integer (RFC 3261 §7.2, §25.1 `Status-Code = … / extension-code`,
 *  `extension-code = 3DIGIT`) whose class is 1 to 6. */
export function isValidStatusCode(code: number): boolean {
  return Number.isInteger(code) && code >= 100 && code <= 699;
}

/** The response class of a code (RFC 3261 §7.2), or `null` when the code is not in 100–699. */
export function categoryOf(code: number): Category | null {
  if (!isValidStatusCode(code)) return null;
  return CATEGORY_BY_CLASS[Math.floor(code / 100) - 1];
}

/** The full table, ascending by code. */
export const STATUS_CODES: readonly StatusInfo[] = Object.freeze(
  STATUS_ROWS.map((row) =>
    Object.freeze({ ...row, category: categoryOf(row.code) as Category, known: true }),
  ),
);

const BY_CODE: ReadonlyMap<number, StatusInfo> = new Map(STATUS_CODES.map((s) => [s.code, s]));

/**
 * The code an unrecognised code stands for. RFC 3261 §8.1.3.2: "A UAC MUST treat any final
 * response it does not recognize as being equivalent to the x00 response code of that class,
 * and MUST be able to process the x00 response code for all classes. […] A UAC MUST treat any
 * provisional response different than 100 that it does not recognize as 183 (Session Progress)."
 */
export function standInFor(code: number): number {
  return code < 200 ? 183 : Math.floor(code / 100) * 100;
}

/**
 * Describes a status code. A registered code gets its row (`known: true`). An unregistered code
 * inside 100–699 gets its stand-in's row (x00, or 183 for 1xx) with `known: false`, its own
 * `code`, and a meaning that starts "unknown code N, treated as X00 (RFC 3261 §8.1.3.2)".
 *
 * @throws RangeError when the code is not an integer in 100–699 (check `isValidStatusCode`
 *   first): such a code has no class, so nothing can be said about it.
 */
export function describeStatus(code: number): StatusInfo {
  const known = BY_CODE.get(code);
  if (known) return known;
  if (!isValidStatusCode(code)) {
    throw new RangeError(`invalid SIP status code ${code}: must be an integer in 100–699 (RFC 3261 §7.2)`);
  }
  const standIn = standInFor(code);
  const base = BY_CODE.get(standIn) as StatusInfo;
  return {
    ...base,
    code,
    meaning: `unknown code ${code}, treated as ${standIn} (RFC 3261 §8.1.3.2): ${base.meaning}`,
    known: false,
  };
}
