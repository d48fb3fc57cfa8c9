/** Colours by meaning, from a chalk instance at an explicit level (level 0 = plain text). */
import { Chalk } from 'chalk';
import type { Category } from '../events/types.js';
import type { ColorLevel } from './options.js';

export interface Style {
  /** 1xx cyan, 2xx green, 3xx blue, 4xx yellow, 5xx/6xx red. */
  category(category: Category, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  ok(text: string): string;
  warn(text: string): string;
  error(text: string): string;
}

export function createStyle(level: ColorLevel): Style {
  const c = new Chalk({ level });
  const byCategory: Record<Category, (s: string) => string> = {
    provisional: c.cyan,
    success: c.green,
    redirection: c.blue,
    'client-error': c.yellow,
    'server-error': c.red,
    'global-failure': c.red,
  };
  return {
    category: (category, text) => byCategory[category](text),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    ok: (s) => c.green(s),
    warn: (s) => c.yellow(s),
    error: (s) => c.red(s),
  };
}
