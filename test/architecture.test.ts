import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Keeps the dependency direction of docs/DESIGN.md true: each layer imports only the layers
 * listed for it; nothing imports the CLI; no console output outside the presenters; no
 * process.exit anywhere in src (only bin/ sets the exit code).
 */
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const ALLOWED: Record<string, string[]> = {
  sip: ['sip', 'events'],
  clock: ['clock'],
  events: ['events'],
  media: ['media', 'clock'],
  auth: ['auth', 'sip'],
  dialog: ['dialog', 'sip'],
  transaction: ['transaction', 'sip', 'clock', 'events'],
  transport: ['transport', 'sip', 'events'],
  // `--pcap` (docs/pcap.md): packets from what the transport layer's tap sees.
  pcap: ['pcap', 'transport'],
  present: ['present', 'events', 'sip', 'load'],
  // `sipcall load` (docs/load.md): the load engine and its pure schedule, metrics and merge.
  load: ['load', 'sip', 'clock', 'events', 'auth', 'transaction', 'transport'],
  engine: ['engine', 'sip', 'clock', 'events', 'auth', 'dialog', 'transaction', 'transport', 'media'],
  // `sipcall test` files (docs/testfile.md): run through the engine, reported through present/.
  testfile: ['testfile', 'engine', 'present', 'sip', 'clock', 'events', 'pcap', 'transport'],
  // The library API (docs/library.md): promise-returning runs of the engine.
  api: ['api', 'engine', 'sip', 'clock', 'events', 'transaction', 'pcap'],
  cli: ['cli', 'engine', 'present', 'sip', 'clock', 'events', 'auth', 'dialog', 'transaction', 'transport', 'media', 'testfile', 'pcap', 'load'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const all = files(SRC).map((p) => ({ path: p, rel: relative(SRC, p), text: readFileSync(p, 'utf8') }));

describe('architecture', () => {
  for (const f of all) {
    const layer = f.rel.split(sep)[0];
    if (!(layer in ALLOWED)) continue;
    it(`${f.rel} imports only allowed layers`, () => {
      const imports = [...f.text.matchAll(/from\s+'(\.\.?\/[^']+)'/g)].map((m) => m[1]);
      for (const spec of imports) {
        const target = relative(SRC, join(SRC, layer, f.rel.split(sep).slice(1, -1).join(sep), spec)).split(sep)[0];
        expect(ALLOWED[layer], `${f.rel} imports ${spec} (layer ${target})`).toContain(target);
      }
    });
  }

  it('has no console output outside src/present', () => {
    const offenders = all.filter((f) => !f.rel.startsWith(`present${sep}`) && /\bconsole\.(log|error|warn|info|debug)\(/.test(f.text));
    expect(offenders.map((f) => f.rel)).toEqual([]);
  });

  it('never calls process.exit in src (bin/ sets process.exitCode)', () => {
    expect(all.filter((f) => /process\.exit\(/.test(f.text)).map((f) => f.rel)).toEqual([]);
  });
});
