import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileError, formatFileError } from '../../src/testfile/errors.js';
import { load } from './helpers.js';

const ISSUE = readFileSync(new URL('../fixtures/testfile/issue-example.yaml', import.meta.url), 'utf8');

/** The FileError a text gives, as `line:col message`. */
function errorOf(text: string, env: Record<string, string> = {}): FileError {
  try {
    load(text, env);
  } catch (err) {
    if (err instanceof FileError) return err;
    throw err;
  }
  throw new Error('no FileError');
}

describe('loading a test file', () => {
  it('reads the example of issue 12 as written', () => {
    const f = load(ISSUE, { ALICE_PASSWORD: 'x' });
    expect(f.vars).toEqual({ pbx: '127.0.0.1:5080' });
    expect(f.tests.map((t) => t.name)).toEqual(['alice registers', 'a call is answered and ended', 'unknown user is rejected']);
    const [reg] = f.tests[0]!.steps;
    expect(reg!.kind).toBe('register');
    expect(reg!.value).toBe('sip:alice@${pbx}');
    expect(reg!.expect!.status).toEqual(['200']);
    expect(reg!.expect!.withinMs).toBe(1000);
    expect(f.tests[0]!.finally[0]!.options.expires).toBe(0);
    const [invite, bye] = f.tests[1]!.steps;
    expect(invite!.expect!.provisional).toEqual([100, 180]);
    expect(invite!.expect!.status).toEqual(['2xx']);
    expect(invite!.options.hold).toBe(2000);
    expect(bye!.kind).toBe('bye');
    expect(f.tests[2]!.steps[0]!.expect!.status).toEqual(['404', '480']);
    // positions: the step's action key and each expectation
    expect(reg!.pos).toEqual({ line: 5, col: 9 });
    expect(reg!.expect!.pos.within).toEqual({ line: 7, col: 32 });
  });

  it('names FILE:LINE:COL with the line and a caret', () => {
    const text = 'tests:\n  - name: t\n    steps:\n      - options: sip:a\n        expct: { status: 200 }\n';
    const err = errorOf(text);
    expect(err.pos).toEqual({ line: 5, col: 9 });
    expect(formatFileError(err, text)).toBe(
      'smoke.yaml:5:9: unknown key "expct" in a `options` step\n5 |         expct: { status: 200 }\n  |         ^\n  did you mean "expect"?',
    );
  });

  it.each([
    ['tests:\n  - name: t\n    steps:\n      - options: sip:a\n        register: sip:b@c\n', 5, 9, /does one thing/],
    ['tests:\n  - name: t\n    steps:\n      - options: sip:a\n        expect: { status: 2x }\n', 5, 27, /not a status code/],
    ['tests:\n  - name: t\n    steps:\n      - options: "sip:${host}"\n', 4, 18, /unknown variable \$\{host\}/],
    ['tests:\n  - name: t\n    steps:\n      - options: "sip:${env.NOPE}"\n', 4, 18, /environment variable NOPE is not set/],
    ['tests:\n  - name: t\n    steps:\n      - bye: {}\n', 4, 9, /needs an earlier `invite`/],
    ['tests:\n  - name: t\n    steps:\n      - options: sip:a\n        hold: 2s\n', 5, 9, /belongs to `invite` steps/],
    ['tests:\n  - name: t\n    steps:\n      - invite: sip:a\n        hold: two\n', 5, 15, /must be a duration/],
    ['tests:\n  - name: t\n    steps:\n    - options: [a\n', 5, 1, /YAML/],
    ['tests: []\n', 1, 8, /at least one test/],
    ['vars: { a: 1 }\n', 1, 1, /no `tests:`/],
    ['tests:\n  - name: t\n    steps:\n      - option: sip:a\n', 4, 9, /did you mean "options"/],
  ])('rejects %j at %i:%i', (text, line, col, message) => {
    const err = errorOf(text);
    expect(`${err.pos.line}:${err.pos.col} ${err.message} ${err.hint ?? ''}`).toMatch(new RegExp(`^${line}:${col} .*${message.source}`));
  });

  it('knows captured variables in later steps only', () => {
    const ok = 'tests:\n  - name: t\n    steps:\n      - options: sip:a\n        capture: { tag: "To;tag" }\n      - options: "sip:${tag}@a"\n';
    expect(load(ok).tests[0]!.steps[0]!.capture![0]).toMatchObject({ name: 'tag', from: { kind: 'header', header: 'To', param: 'tag' } });
    const early = 'tests:\n  - name: t\n    steps:\n      - options: "sip:${tag}@a"\n      - options: sip:a\n        capture: { tag: "To;tag" }\n';
    expect(errorOf(early).message).toMatch(/unknown variable/);
  });

  it('makes repeated test names unique', () => {
    const f = load('tests:\n  - name: t\n    steps: [{ options: sip:a }]\n  - name: t\n    steps: [{ options: sip:a }]\n');
    expect(f.tests.map((t) => t.name)).toEqual(['t', 't (2)']);
  });
});
