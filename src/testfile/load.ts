import { LineCounter, parseDocument, type Document } from 'yaml';
import { FileError } from './errors.js';

/** A parsed YAML document and the means to turn offsets into line:col. */
export interface LoadedYaml {
  path: string;
  source: string;
  doc: Document.Parsed;
  /** 1-based line and column of a character offset. */
  at(offset: number): { line: number; col: number };
}

/**
 * Parses a test file with the `yaml` package, keeping the position of every node. A syntax
 * error is a FileError at its line and column; so are duplicate keys (the package reports them).
 */
export function loadYaml(path: string, source: string): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0] ?? at(first.pos[0]);
    throw new FileError(path, { line: pos.line, col: pos.col }, `YAML: ${first.message.split('\n')[0]}`, 'check the indentation and quoting on this line');
  }
  return { path, source, doc, at };
}
