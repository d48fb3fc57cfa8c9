import { describe, expect, it } from 'vitest';
import { forceColorLevel, resolveColorLevel, terminalDepth } from '../../src/present/color.js';

type Row = [string, { color?: boolean; noColor?: boolean }, Record<string, string | undefined>, boolean, number];

/** docs/DESIGN.md: --no-color > --color > NO_COLOR (non-empty) > FORCE_COLOR > TTY. */
const TABLE: Row[] = [
  ['--no-color beats everything', { noColor: true, color: true }, { FORCE_COLOR: '3', COLORTERM: 'truecolor' }, true, 0],
  ['--no-color on a TTY', { noColor: true }, {}, true, 0],
  ['--color beats NO_COLOR', { color: true }, { NO_COLOR: '1' }, false, 1],
  ['--color beats FORCE_COLOR=0', { color: true }, { FORCE_COLOR: '0' }, false, 1],
  ['--color uses the terminal depth', { color: true }, { COLORTERM: 'truecolor' }, false, 3],
  ['NO_COLOR beats FORCE_COLOR', {}, { NO_COLOR: '1', FORCE_COLOR: '3' }, true, 0],
  ['NO_COLOR beats a TTY', {}, { NO_COLOR: 'yes' }, true, 0],
  ['an empty NO_COLOR is ignored', {}, { NO_COLOR: '' }, true, 1],
  ['FORCE_COLOR=0 beats a TTY', {}, { FORCE_COLOR: '0' }, true, 0],
  ['FORCE_COLOR=false', {}, { FORCE_COLOR: 'false' }, true, 0],
  ['FORCE_COLOR=1 off a TTY', {}, { FORCE_COLOR: '1' }, false, 1],
  ['FORCE_COLOR=2', {}, { FORCE_COLOR: '2' }, false, 2],
  ['FORCE_COLOR=3', {}, { FORCE_COLOR: '3' }, false, 3],
  ['FORCE_COLOR=7 is capped', {}, { FORCE_COLOR: '7' }, false, 3],
  ['FORCE_COLOR empty', {}, { FORCE_COLOR: '' }, false, 1],
  ['FORCE_COLOR=true', {}, { FORCE_COLOR: 'true' }, false, 1],
  ['FORCE_COLOR beats the TTY depth', {}, { FORCE_COLOR: '1', COLORTERM: 'truecolor' }, true, 1],
  ['a TTY', {}, {}, true, 1],
  ['a TTY with 256 colours', {}, { TERM: 'xterm-256color' }, true, 2],
  ['a TTY with truecolor', {}, { COLORTERM: 'truecolor', TERM: 'xterm-256color' }, true, 3],
  ['a dumb TTY', {}, { TERM: 'dumb' }, true, 0],
  ['not a TTY', {}, { TERM: 'xterm-256color', COLORTERM: 'truecolor' }, false, 0],
];

describe('resolveColorLevel', () => {
  it.each(TABLE)('%s', (_name, flags, env, tty, level) => {
    expect(resolveColorLevel(flags, env, tty)).toBe(level);
  });

  it('parses FORCE_COLOR and the terminal depth', () => {
    expect(forceColorLevel(undefined)).toBeUndefined();
    expect(forceColorLevel(' 2 ')).toBe(2);
    expect(terminalDepth({ COLORTERM: '24bit' })).toBe(3);
    expect(terminalDepth({})).toBe(1);
  });
});
