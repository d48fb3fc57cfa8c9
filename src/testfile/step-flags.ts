/**
 * A step's options as the flags of the matching CLI command: the test file mirrors the command
 * line (`ring-timeout: 30s` is `--ring-timeout 30`), and the CLI's own plan building turns them
 * into a plan, so a step and a command behave the same.
 */
import type { StepKind } from './types.js';

/** The command a plan is built from: the shape of the CLI's parsed command. */
export interface PlanCommand {
  name: 'invite' | 'options' | 'register' | 'bye' | 'request';
  args: string[];
  flags: Record<string, unknown> & { header: string[] };
}

/** Options that are not flags: the runner or the executor reads them. */
const NOT_FLAGS = new Set(['name', 'auth', 'hold', 'headers', 'body', 'content-type', 'method']);
/** Duration options (ms in the file) given to the CLI in seconds. */
const SECONDS = new Set(['ring-timeout', 'media-timeout', 'hold-after', 'hold-for']);

const camel = (k: string) => k.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** `t1: 500ms` or `t1: 500` → "500" (milliseconds, as --t1 takes them). */
function ms(v: unknown): string {
  const s = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)\s*ms$/.exec(s);
  if (m) return m[1]!;
  const sec = /^(\d+(?:\.\d+)?)\s*s$/.exec(s);
  if (sec) return String(Number(sec[1]) * 1000);
  return s;
}

export function flagsFor(options: Record<string, unknown>): PlanCommand['flags'] {
  const flags: PlanCommand['flags'] = { header: (options.headers as string[] | undefined) ?? [], json: true, input: false };
  for (const [key, value] of Object.entries(options)) {
    if (NOT_FLAGS.has(key) || value === undefined) continue;
    if (key === 't1' || key === 't2' || key === 't4') flags[key] = ms(value);
    else if (SECONDS.has(key)) flags[camel(key)] = String((value as number) / 1000);
    else if (key === '100rel') flags['100rel'] = String(value);
    else if (typeof value === 'boolean' || Array.isArray(value)) flags[camel(key)] = value;
    else flags[camel(key)] = String(value);
  }
  return flags;
}

/** The command for a request step (not bye {}, wait or answer). */
export function commandFor(kind: StepKind, value: unknown, options: Record<string, unknown>): PlanCommand {
  const flags = flagsFor(options);
  switch (kind) {
    case 'invite':
    case 'options':
    case 'register':
      return { name: kind, args: [String(value)], flags };
    case 'message':
      return { name: 'request', args: ['MESSAGE', String(value)], flags };
    case 'request':
      return { name: 'request', args: [String(options.method), String(value)], flags };
    case 'bye': {
      const v = value as Record<string, string>;
      return { name: 'bye', args: [v.target ?? ''], flags: { ...flags, callId: v['call-id'], fromTag: v['from-tag'], toTag: v['to-tag'], ...(v.cseq ? { cseq: v.cseq } : {}) } };
    }
    default:
      throw new Error(`${kind} is not a request step`);
  }
}
