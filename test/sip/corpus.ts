import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus lives next to the repository: `<parent of repo>/shared/corpus`. */
const repoParent = fileURLToPath(new URL('../../..', import.meta.url));
export const CORPUS_DIR = path.resolve(repoParent, 'shared', 'corpus');
export const CORPUS_PRESENT = existsSync(path.join(CORPUS_DIR, 'rfc4475', 'MANIFEST.json'));
export const CORPUS_ABSENT_NOTE = `shared corpus not found at ../shared/corpus: RFC 4475/5118 corpus tests skipped`;

/** The responses are copied into the repository (test/fixtures/responses). */
export const RESPONSES_DIR = fileURLToPath(new URL('../fixtures/responses', import.meta.url));

export interface ManifestEntry {
  file: string;
  name: string;
  section: string | null;
  validity: 'valid' | 'invalid';
  kind: 'request' | 'response';
  layer?: string;
  parser_expect?: 'accept' | 'reject' | 'tolerate';
  rfc_tolerates_liberal_accept?: boolean;
  status_code?: number | null;
  cseq_method?: string;
  body_bytes?: number | null;
  bench?: boolean;
  reason: string;
}

export function manifest(dir: string): ManifestEntry[] {
  return (JSON.parse(readFileSync(path.join(dir, 'MANIFEST.json'), 'utf8')) as { messages: ManifestEntry[] }).messages;
}

export function readMessage(dir: string, file: string): Buffer {
  return readFileSync(path.join(dir, file));
}
