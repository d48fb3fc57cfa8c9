// `runTests` from the library (src/testfile/index.ts) against sipcall's own UAS on loopback:
// results in file order with the CLI's exit code, FILE:LINE:COL in failures, a typed FileError
// before anything is sent, and `${env.…}` secrets masked in failures and events.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/clock/system-clock.js';
import { AutoAnswer } from '../../src/engine/uas.js';
import { FileError, runTests } from '../../src/index.js';

let uas: AutoAnswer;
let port: number;
let dir: string;
beforeAll(async () => {
  uas = new AutoAnswer({ kind: 'answer', transport: 'udp', address: '127.0.0.1', port: 0, respond: 200, ringMs: 20, t1: 500, t2: 4000, userAgent: 'lib-test' }, { clock: new SystemClock(), sink: () => undefined });
  port = (await uas.start()).port;
  dir = await mkdtemp(path.join(os.tmpdir(), 'sipcall-runtests-'));
});
afterAll(async () => {
  await uas?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('runTests (library)', () => {
  it('one passing and one failing test: results in file order, exit 5, the failure names FILE:LINE:COL; the env secret is masked everywhere', async () => {
    const file = path.join(dir, 'smoke.yaml');
    await writeFile(
      file,
      [
        `vars: { uas: "127.0.0.1:${port}" }`,
        'tests:',
        '  - name: options answered',
        '    steps:',
        '      - options: "sip:ping@${uas}"',
        '        expect: { status: 200, within: 2s }',
        '  - name: wrong status expected',
        '    steps:',
        '      - options: "sip:ping@${uas}"',
        '        headers: { X-Token: "${env.TOKEN}" }',
        '        expect: { status: 486 }',
        '',
      ].join('\n'),
    );
    const seen: string[] = [];
    const run = await runTests(file, { env: { TOKEN: 's3cr"et' }, onEvent: (_id, e) => seen.push(JSON.stringify(e)) });
    expect(run.exitCode).toBe(5);
    expect(run.results.map((r) => [r.name, r.status, r.exitCode])).toEqual([
      ['options answered', 'passed', 0],
      ['wrong status expected', 'failed', 5],
    ]);
    const f = run.results[1]!.failures[0]!;
    expect(f.at).toBe(`${file}:11:19`);
    expect(f.actual).toMatch(/200/);
    expect(seen.some((s) => s.includes('X-Token'))).toBe(true);
    const everything = JSON.stringify(run) + seen.join('\n');
    expect(everything).not.toContain('s3cr');
  });

  it('a file error rejects with a FileError before anything is sent', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'tests:\n  - name: x\n    steps:\n      - optionz: "sip:a@127.0.0.1"\n');
    await expect(runTests(file)).rejects.toBeInstanceOf(FileError);
  });
});
