import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { githubAnnotations, githubSummary } from '../../src/testfile/report/github.js';
import { JsonReporter } from '../../src/testfile/report/json.js';
import { junitXml } from '../../src/testfile/report/junit.js';
import { PrettyReporter } from '../../src/testfile/report/pretty.js';
import { TapReporter } from '../../src/testfile/report/tap.js';
import type { RunSummary } from '../../src/testfile/report/types.js';
import { planTests, type TestResult } from '../../src/testfile/runner.js';
import { exchange, load } from './helpers.js';

const XSD = new URL('../fixtures/junit.xsd', import.meta.url).pathname;
const GOLDEN = new URL('../fixtures/testfile/', import.meta.url).pathname;

class Text extends Writable {
  text = '';
  override _write(c: Buffer | string, _e: BufferEncoding, cb: () => void) {
    this.text += c.toString();
    cb();
  }
}

/** Two tests of a file: one passed, one failed at its status expectation (fixed times). */
function summary(): RunSummary {
  const file = load('vars: { pbx: "127.0.0.1:5080" }\ntests:\n  - name: ping <ok> & "quoted"\n    steps:\n      - options: "sip:${pbx}"\n  - name: unknown user is rejected\n    steps:\n      - invite: "sip:nobody@${pbx}"\n        expect: { status: [404, 480] }\n', {}, 'pbx.yaml');
  const planned = planTests([file]);
  const events = exchange('INVITE', [[100, 'Trying', 1], [200, 'OK', 12]]);
  const results: TestResult[] = [
    { id: planned[0]!.id, file, test: file.tests[0]!, status: 'passed', exitCode: 0, durationMs: 12.3, failures: [], events: exchange('OPTIONS', [[200, 'OK', 3]]) },
    {
      id: planned[1]!.id,
      file,
      test: file.tests[1]!,
      status: 'failed',
      exitCode: 5,
      durationMs: 1234.5,
      failures: [{ message: 'INVITE: status 200, expected 404 or 480', expected: '404 or 480', actual: '200 OK', pos: file.tests[1]!.steps[0]!.expect!.pos.status!, step: 1 }],
      events,
      peer: '127.0.0.1:5080',
    },
  ];
  return { results, planned: 2, durationMs: 1250, exitCode: 5 };
}

const maskTimes = (s: string) => s.replace(/time="[\d.]+"/g, 'time="T"').replace(/timestamp="[^"]+"/g, 'timestamp="TS"').replace(/duration_ms: \d+/g, 'duration_ms: T');

describe('reports', () => {
  it('JUnit: golden, and valid against the JUnit XSD (xmllint)', () => {
    const xml = junitXml(summary(), new Date('2026-01-02T03:04:05Z'));
    expect(maskTimes(xml)).toBe(readFileSync(path.join(GOLDEN, 'golden.junit.xml'), 'utf8'));
    expect(xml).toContain('time="1.234"');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-junit-'));
    const file = path.join(dir, 'r.xml');
    writeFileSync(file, xml);
    expect(execFileSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toBe('');
    // and the schema does reject what is not JUnit
    writeFileSync(file, xml.replace('<properties/>', ''));
    expect(() => execFileSync('xmllint', ['--noout', '--schema', XSD, file], { stdio: 'pipe' })).toThrow();
  });

  it('TAP 13: golden', () => {
    const out = new Text();
    const s = summary();
    const tap = new TapReporter(out);
    tap.begin(planTests([s.results[0]!.file]));
    for (const r of s.results) tap.result(r);
    expect(maskTimes(out.text)).toBe(readFileSync(path.join(GOLDEN, 'golden.tap'), 'utf8'));
  });

  it('pretty: ✓/✗ with times, where it failed, expected and actual, and the ladder', () => {
    const out = new Text();
    const s = summary();
    const p = new PrettyReporter(out, 0);
    for (const r of s.results) p.result(r);
    p.end(s);
    expect(out.text).toContain('  ✓ ping <ok> & "quoted" (0.012 s)\n  ✗ unknown user is rejected (1.234 s)\n');
    expect(out.text).toContain('pbx.yaml:9:19: INVITE: status 200, expected 404 or 480 (step 1)\n      9 |         expect: { status: [404, 480] }\n        |                   ^');
    expect(out.text).toContain('actual:   200 OK');
    expect(out.text).toMatch(/\|-+ INVITE -+>\|/);
    expect(out.text).toContain('2 tests: 1 passed, 1 failed (1.250 s)');
  });

  it('JSON: each event with its test id, a result per test', () => {
    const out = new Text();
    const s = summary();
    const j = new JsonReporter(out);
    const planned = planTests([s.results[0]!.file]);
    j.event(planned[1]!, s.results[1]!.events[0]!);
    j.result(s.results[1]!);
    j.end(s);
    const lines = out.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'request.sent', test: 'pbx.yaml#2' });
    expect(lines[1]).toMatchObject({ type: 'test.result', test: 'pbx.yaml#2', status: 'failed', failures: [{ line: 9, col: 19 }] });
    expect(lines[2]).toMatchObject({ type: 'test.summary', tests: 2, passed: 1, failed: 1, exitCode: 5 });
  });

  it('GitHub: an ::error annotation per failure and a summary table', () => {
    const s = summary();
    expect(githubAnnotations(s.results)).toBe('::error file=pbx.yaml,line=9,col=19,title=sipcall test%3A unknown user is rejected::INVITE: status 200, expected 404 or 480%0Aexpected: 404 or 480%0Aactual: 200 OK\n');
    expect(githubSummary(s)).toContain('| ❌ | pbx.yaml | unknown user is rejected | 1.234 s | pbx.yaml:9:19 INVITE: status 200, expected 404 or 480 |');
  });
});
