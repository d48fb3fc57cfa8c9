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

  it('--pcap-dir is a usage error (no pcap writer yet), and so is no file', async () => {
    const io = fakeIo();
    expect(await run(['test', 'a.yaml', '--pcap-dir', '/tmp/x'], io)).toBe(2);
    expect(io.err.text).toContain('--pcap-dir is not available yet');
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
