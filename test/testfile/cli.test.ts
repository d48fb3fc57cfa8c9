import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { testFileSchema } from '../../src/testfile/schema.js';
import { COMMON_OPTIONS, KIND_OPTIONS } from '../../src/testfile/validate.js';
import { fakeIo } from '../support/fake-io.js';

describe('sipcall test (in process)', () => {
  it('--schema prints the JSON Schema; every option the validator knows is in it', async () => {
    const io = fakeIo();
    expect(await run(['test', '--schema'], io)).toBe(0);
    const schema = JSON.parse(io.out.text) as { definitions: { step: { oneOf: Array<{ required: string[]; properties: Record<string, unknown> }> } } };
    for (const s of schema.definitions.step.oneOf) {
      const kind = s.required[0] as keyof typeof KIND_OPTIONS;
      for (const k of [...COMMON_OPTIONS, ...KIND_OPTIONS[kind]]) expect(s.properties[k], `${kind}.${k}`).toBeDefined();
    }
    expect(testFileSchema().required).toEqual(['tests']);
  });

  it('--pcap-dir that does not exist is a usage error before anything is read or sent, and so is no file', async () => {
    const io = fakeIo();
    expect(await run(['test', 'a.yaml', '--pcap-dir', '/nonexistent-sipcall-dir/x'], io)).toBe(2);
    expect(io.err.text).toContain('--pcap-dir /nonexistent-sipcall-dir/x: it does not exist');
    const none = fakeIo();
    expect(await run(['test'], none)).toBe(2);
    expect(none.err.text).toContain('no test file given');
  });

  it('a missing file is exit 2', async () => {
    const io = fakeIo();
    expect(await run(['test', '/nonexistent/x.yaml'], io)).toBe(2);
    expect(io.err.text).toContain('no such file');
  });
});

describe('sipcall test: Ctrl-C', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sipcall-ctrlc-'));
  const file = path.join(dir, 'ctrlc.yaml');
  writeFileSync(
    file,
    [
      'tests:',
      '  - name: first',
      '    steps:',
      '      - wait: 30s',
      '      - wait: 1ms',
      '    finally:',
      '      - wait: 50ms',
      '  - name: second',
      '    steps:',
      '      - wait: 1ms',
      '',
    ].join('\n'),
  );

  async function interrupted(argv: string[], afterMs = 100): Promise<{ code: number; out: string; ms: number }> {
    const io = fakeIo();
    const started = Date.now();
    const done = run(['test', file, ...argv], io);
    await new Promise((r) => setTimeout(r, afterMs));
    io.interrupt();
    const code = await done;
    return { code, out: io.out.text, ms: Date.now() - started };
  }

  it('exits 130 at once (not 5): the running step ends, its finally steps run, the next test does not start', async () => {
    const r = await interrupted([]);
    expect(r.code, r.out).toBe(130);
    // the finally step (50 ms) ran; the 30 s wait did not
    expect(r.ms).toBeGreaterThanOrEqual(150);
    expect(r.ms).toBeLessThan(2000);
    expect(r.out).toMatch(/✗ first \(\d+\.\d{3} s\) \(interrupted\)/);
    expect(r.out).toContain(`${file}:4:9: interrupted (Ctrl-C): wait 30000 ms: cut short (step 1)`);
    expect(r.out).not.toContain('second');
    expect(r.out).toContain('2 tests: 0 passed, 1 interrupted, 1 not run');
    expect(r.out).toContain('interrupted (Ctrl-C): the running steps were ended');
  });

  it('--json and --tap say so too', async () => {
    const json = await interrupted(['--json']);
    expect(json.code).toBe(130);
    const lines = json.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'test.result').map((l) => [l.name, l.status, l.exitCode])).toEqual([['first', 'error', 130]]);
    expect(lines.at(-1)).toMatchObject({ type: 'test.summary', tests: 1, notRun: 1, interrupted: true, exitCode: 130 });
    const tap = await interrupted(['--tap']);
    expect(tap.code).toBe(130);
    expect(tap.out).toMatch(/^TAP version 13\n1\.\.2\nnot ok 1 - [^\n]*first\n[\s\S]*Bail out! interrupted \(Ctrl-C\)\n$/);
  });
});
