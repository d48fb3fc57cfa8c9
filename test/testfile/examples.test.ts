// The CI examples parse, and every `sipcall` command in them parses as the CLI would take it
// (same flags), and validates the smoke file (nothing is sent).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';

const read = (f: string) => parse(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8')) as Record<string, unknown>;

function commands(scripts: string[]): string[][] {
  return scripts
    .flatMap((s) => s.split('\n'))
    .filter((s) => s.trim().startsWith('sipcall '))
    .map((s) => s.trim().replace(/\$\{\{ vars\.PBX \}\}|\$PBX/g, '127.0.0.1:5060').split(/\s+/).slice(1));
}

async function check(argv: string[]) {
  // the file's path is relative to the repository root, like the CI checkout
  const io = fakeIo({ ALICE_PASSWORD: 'not-a-real-password' });
  const validate = argv.includes('--validate') ? argv : [...argv.filter((a, i) => a !== '--junit' && argv[i - 1] !== '--junit'), '--validate'];
  const code = await run(validate, io);
  expect(io.err.text).toBe('');
  expect(code).toBe(0);
  expect(io.out.text).toBe('examples/pbx-smoke.yaml: 4 tests, valid\n');
}

describe('CI examples', () => {
  it('github-actions.yml: a workflow whose sipcall commands validate the smoke file', async () => {
    const wf = read('github-actions.yml') as { jobs: { smoke: { steps: Array<{ run?: string; env?: Record<string, string> }> } } };
    const steps = wf.jobs.smoke.steps;
    expect(steps.some((s) => s.run === 'npm install -g sipcall')).toBe(true);
    const cmds = commands(steps.flatMap((s) => (s.run ? [s.run] : [])));
    expect(cmds.map((c) => c[0])).toEqual(['test', 'test']);
    expect(steps.filter((s) => s.run?.startsWith('sipcall')).every((s) => s.env?.ALICE_PASSWORD === '${{ secrets.ALICE_PASSWORD }}')).toBe(true);
    for (const c of cmds) await check(c);
  });

  it('gitlab-ci.yml: a job whose sipcall commands validate the smoke file and keep the JUnit report', async () => {
    const ci = read('gitlab-ci.yml') as { 'sip-smoke': { script: string[]; artifacts: { reports: { junit: string } } } };
    const cmds = commands(ci['sip-smoke'].script);
    expect(cmds).toHaveLength(2);
    expect(cmds[1]).toContain('--junit');
    expect(ci['sip-smoke'].artifacts.reports.junit).toBe(cmds[1]![cmds[1]!.indexOf('--junit') + 1]);
    for (const c of cmds) await check(c);
  });
});
