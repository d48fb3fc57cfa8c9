/**
 * Pre-encoded SIP message templates with patch points, for `sipcall load` (docs/load.md,
 * "Engine"). A template is written once, at start-up, as a tagged template literal whose
 * substitutions are either constants of the run (the target, our address, the run id: part of
 * the encoded bytes) or {@link field}s (the patch points: call number, CSeq, branch…). Each
 * message is produced by copying the constant runs into the call's buffer and writing the fields
 * (numbers as decimal digits, strings as Latin-1) in between. No string of the whole message is
 * built per call, and nothing a user typed is ever read as a patch point.
 */

/** A field value: a whole number written in decimal, or a string written as Latin-1. */
export type FieldValue = number | string;

/** A patch point of a template. */
export interface FieldRef {
  readonly field: string;
}

export const field = (name: string): FieldRef => ({ field: name });

/** `tpl\`INVITE ${uri} SIP/2.0\r\nCSeq: ${field('cseq')} INVITE\r\n…\`` */
export function tpl(strings: TemplateStringsArray, ...subs: Array<string | number | FieldRef>): Template {
  const parts: Array<string | FieldRef> = [];
  strings.forEach((s, i) => {
    parts.push(s);
    if (i < subs.length) {
      const sub = subs[i]!;
      parts.push(typeof sub === 'object' ? sub : String(sub));
    }
  });
  return new Template(parts);
}

export class Template {
  /** The constant runs, encoded. */
  readonly #runs: Uint8Array[];
  /** Field index into the values array, between run i and run i+1. */
  readonly #fields: Int32Array;
  /** The field names, in the order `write` expects their values. */
  readonly names: readonly string[];

  /** @param parts constant text (CRLF line ends included) and patch points, in order */
  constructor(parts: ReadonlyArray<string | FieldRef>) {
    const names: string[] = [];
    const runs: string[] = [];
    const fields: number[] = [];
    let run = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        run += p;
        continue;
      }
      runs.push(run);
      run = '';
      let i = names.indexOf(p.field);
      if (i === -1) i = names.push(p.field) - 1;
      fields.push(i);
    }
    runs.push(run);
    this.names = names;
    this.#runs = runs.map((r) => new Uint8Array(Buffer.from(r, 'latin1')));
    this.#fields = Int32Array.from(fields);
  }

  /** The position of a field's value in the values array `write` takes. */
  indexOf(name: string): number {
    const i = this.names.indexOf(name);
    if (i === -1) throw new Error(`template has no field ${name}`);
    return i;
  }

  /**
   * Writes the message into `out` from `offset`; returns the end offset, or -1 when it does not
   * fit before `limit` (the caller then gives a larger buffer).
   * @param values one per name in {@link names}, in that order
   * @param limit where the space for this message ends in `out` (default: its length)
   */
  write(out: Buffer, offset: number, values: readonly FieldValue[], limit = out.length): number {
    let at = offset;
    const cap = Math.min(limit, out.length);
    const n = this.#fields.length;
    const runs = this.#runs;
    for (let i = 0; i <= n; i++) {
      const run = runs[i]!;
      if (at + run.length > cap) return -1;
      // TypedArray#set: native, no allocation (Buffer#copy cost 0.3 µs per run here, a fifth
      // of the engine's time; a JS byte loop is slow until optimised).
      out.set(run, at);
      at += run.length;
      if (i === n) break;
      const v = values[this.#fields[i]!]!;
      if (typeof v === 'number') {
        at = writeDecimal(out, at, v, cap);
      } else {
        if (at + v.length > cap) return -1;
        at += out.write(v, at, v.length, 'latin1');
      }
      if (at < 0) return -1;
    }
    return at;
  }

  /** The length of the message for these values (to size a buffer). */
  measure(values: readonly FieldValue[]): number {
    let n = 0;
    for (const r of this.#runs) n += r.length;
    for (const f of this.#fields) {
      const v = values[f]!;
      n += typeof v === 'number' ? decimalLength(v) : v.length;
    }
    return n;
  }
}

function decimalLength(v: number): number {
  let n = 1;
  while (v >= 10) {
    v = Math.floor(v / 10);
    n++;
  }
  return n;
}

/** Writes a non-negative whole number in decimal; -1 when it does not fit before `limit`. */
export function writeDecimal(out: Buffer, at: number, v: number, limit = out.length): number {
  const len = decimalLength(v);
  if (at + len > limit) return -1;
  let p = at + len - 1;
  do {
    out[p--] = 48 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  return at + len;
}
