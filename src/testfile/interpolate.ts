/**
 * `${name}` (a variable of the file or test, or a capture of an earlier step) and `${env.NAME}`
 * (the environment). A value that came from the environment is a secret: it is added to the
 * `Secrets` so that every output masks it (src/testfile/secrets.ts).
 */
import type { Secrets } from './secrets.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\}/g;

/** The names referenced in a text, e.g. `pbx`, `env.ALICE_PASSWORD`. */
export function referencesIn(text: string): string[] {
  return [...text.matchAll(REF)].map((m) => m[1]!);
}

export class UnknownVariable extends Error {
  constructor(readonly ref: string) {
    super(ref.startsWith('env.') ? `the environment variable ${ref.slice(4)} is not set` : `unknown variable \${${ref}}`);
  }
}

export interface Scope {
  vars: Record<string, string>;
  env: Record<string, string | undefined>;
  secrets: Secrets;
}

export function interpolate(text: string, scope: Scope): string {
  return text.replace(REF, (_, ref: string) => {
    if (ref.startsWith('env.')) {
      const v = scope.env[ref.slice(4)];
      if (v === undefined) throw new UnknownVariable(ref);
      scope.secrets.add(v);
      return v;
    }
    const v = scope.vars[ref];
    if (v === undefined) throw new UnknownVariable(ref);
    return v;
  });
}

/** Interpolates every string inside a value (objects and arrays copied). */
export function interpolateDeep<T>(value: T, scope: Scope): T {
  if (typeof value === 'string') return interpolate(value, scope) as T;
  if (Array.isArray(value)) return value.map((v) => interpolateDeep(v, scope)) as T;
  if (value && typeof value === 'object' && !(value instanceof RegExp)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateDeep(v, scope);
    return out as T;
  }
  return value;
}
