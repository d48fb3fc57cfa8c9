import type { Pos } from './types.js';

/**
 * A problem in a test file, found before anything is sent (exit 2): it names `FILE:LINE:COL`,
 * and `format()` shows the line with a caret under the column.
 */
export class FileError extends Error {
  override readonly name = 'FileError';
  constructor(
    readonly file: string,
    readonly pos: Pos,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** `FILE:LINE:COL: message`, the source line and a caret (and the hint, when there is one). */
export function formatAt(file: string, source: string, pos: Pos, message: string, hint?: string): string {
  const lines = source.split(/\r?\n/);
  const text = lines[pos.line - 1] ?? '';
  const gutter = String(pos.line);
  const out = [`${file}:${pos.line}:${pos.col}: ${message}`];
  out.push(`${gutter} | ${text}`);
  out.push(`${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, pos.col - 1))}^`);
  if (hint) out.push(`  ${hint}`);
  return out.join('\n');
}

export function formatFileError(err: FileError, source: string): string {
  return formatAt(err.file, source, err.pos, err.message, err.hint);
}
