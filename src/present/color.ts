/**
 * The colour decision (docs/DESIGN.md, "Output and exit codes"):
 * `--no-color` > `--color` > `NO_COLOR` (non-empty) > `FORCE_COLOR` > TTY.
 * chalk does not read NO_COLOR itself, so the level decided here is always passed explicitly.
 */
import type { ColorLevel } from './options.js';

export interface ColorFlags {
  /** --color */
  color?: boolean;
  /** --no-color */
  noColor?: boolean;
}

/**
 * The colour depth the terminal claims: 3 for `COLORTERM=truecolor|24bit`, 2 for a `TERM`
 * naming 256 colours, 0 for `TERM=dumb`, else 1.
 */
export function terminalDepth(env: Record<string, string | undefined>): ColorLevel {
  const colorterm = (env.COLORTERM ?? '').toLowerCase();
  if (colorterm === 'truecolor' || colorterm === '24bit') return 3;
  const term = (env.TERM ?? '').toLowerCase();
  if (term === 'dumb') return 0;
  if (term.includes('256')) return 2;
  return 1;
}

/**
 * `FORCE_COLOR` as a level: `0`/`false` → 0, `1`/`2`/`3` → that level (larger numbers → 3),
 * empty, `true` or any other value → 1. `undefined` when the variable is not set.
 */
export function forceColorLevel(value: string | undefined): ColorLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === '0' || v === 'false') return 0;
  if (/^\d+$/.test(v)) return Math.min(3, Number(v)) as ColorLevel;
  return 1;
}

/** Decides the colour level from flags, environment and whether stdout is a terminal. */
export function resolveColorLevel(
  flags: ColorFlags,
  env: Record<string, string | undefined>,
  stdoutIsTTY: boolean,
): ColorLevel {
  if (flags.noColor) return 0;
  if (flags.color) return Math.max(1, terminalDepth(env)) as ColorLevel;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const forced = forceColorLevel(env.FORCE_COLOR);
  if (forced !== undefined) return forced;
  return stdoutIsTTY ? terminalDepth(env) : 0;
}
