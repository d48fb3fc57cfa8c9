/**
 * Text from the wire, made safe to show on a terminal (docs/output.md, "Control characters").
 *
 * A peer chooses the reason phrase, the Server, User-Agent, Allow, Supported and Warning values,
 * the realm of a challenge and every other byte sipcall shows. Written raw, `ESC [ 2 J` clears
 * the user's screen and `ESC ] 0 ; … BEL` retitles the window; a lone CR overwrites the line
 * shown, and bidirectional overrides reorder it (CVE-2021-42574, "Trojan Source"). Every
 * string a human-readable presenter prints goes through here: each such character is shown as
 * an escape (`\x1b`, `\r`, `\u{202e}`), so it is seen, not obeyed. Backslashes stay as they
 * are: this is for eyes, not a reversible encoding (the JSON lines keep exact values).
 *
 * What counts: C0 controls U+0000–U+001F except TAB (and LF, and CR before LF, in multi-line
 * text such as a whole message), DEL U+007F, C1 controls U+0080–U+009F (U+009B is a one-character
 * CSI to many terminals), and the bidi embeddings, overrides and isolates U+202A–U+202E,
 * U+2066–U+2069.
 */

const UNSAFE_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_LINE_G = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/** Multi-line: LF, and CR right before LF, are line ends, not controls to show. */
const UNSAFE_TEXT = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const UNSAFE_TEXT_G = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\0' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * One line of wire text for a terminal: every control character (LF and CR included) as an
 * escape. The same string back when it holds none.
 */
export function visible(text: string): string {
  return UNSAFE_LINE.test(text) ? text.replace(UNSAFE_LINE_G, escapeOne) : text;
}

/** Multi-line wire text (a whole message): as {@link visible}, but LF and CRLF stay line ends. */
export function visibleText(text: string): string {
  return UNSAFE_TEXT.test(text) ? text.replace(UNSAFE_TEXT_G, escapeOne) : text;
}

/**
 * Every string inside a JSON-like value (an event, a report) through {@link visible}; the keys
 * named in `multiline` (e.g. `text` of a `wire` event) through {@link visibleText}. Returns the
 * same object when nothing needed a change, so the common case costs one scan and no copy.
 */
export function visibleDeep<T>(value: T, multiline: ReadonlySet<string> = NO_KEYS): T {
  return walk(value, false, multiline) as T;
}

const NO_KEYS: ReadonlySet<string> = new Set();

function walk(v: unknown, multi: boolean, keys: ReadonlySet<string>): unknown {
  if (typeof v === 'string') return multi ? visibleText(v) : visible(v);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const w = walk(v[i], multi, keys);
      if (w !== v[i]) (out ??= v.slice())[i] = w;
    }
    return out ?? v;
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const w = walk(x, keys.has(k), keys);
    if (w !== x) (out ??= { ...v })[k] = w;
  }
  return out ?? v;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * For JSON lines: `JSON.stringify` escapes U+0000–U+001F but writes DEL, the C1 controls and the
 * bidi controls raw. They are escaped here as JSON allows (`\u009b`): a reader that parses the
 * line gets the exact value, a terminal that shows it sees no control.
 */
export function jsonVisible(json: string): string {
  return JSON_UNSAFE.test(json) ? json.replace(JSON_UNSAFE_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

const JSON_UNSAFE = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const JSON_UNSAFE_G = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
