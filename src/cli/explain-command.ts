import { readFileSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import { inspectMessage, splitMessages } from '../sip/inspect.js';
import { presentReports } from '../present/explain.js';
import { resolveColorLevel } from '../present/index.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { ParsedCommand } from './program.js';

/**
 * `sipcall explain [FILE|-]`: one SIP message, or several pasted from a log, each explained.
 * Exit 0 when all are valid, 1 when any is not, 2 for usage errors (docs/DESIGN.md).
 */
export async function runExplain(cmd: ParsedCommand, io: CliIo): Promise<number> {
  const file = cmd.args[0] ?? '-';
  let bytes: Buffer;
  try {
    bytes = file === '-' ? await readStream(io.stdin) : readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message}`, 'give a file holding a SIP message, or - to read standard input');
  }
  if (file === '-' && io.stdin.isTTY && bytes.length === 0) {
    throw new UsageError('no message on standard input', 'pipe one in, or name a file: sipcall explain message.sip');
  }
  const messages = splitMessages(bytes);
  if (messages.length === 0) throw new UsageError(`${file === '-' ? 'standard input' : file} holds no SIP message`, 'give a file holding a SIP message copied from a log');
  const reports = messages.map((m) => inspectMessage(m));
  const json = cmd.flags.json === true;
  const colorLevel = json ? 0 : resolveColorLevel({ color: cmd.flags.color === true, noColor: cmd.flags.color === false }, io.env, io.stdout.isTTY === true);
  presentReports(reports, { json, colorLevel, quiet: cmd.flags.quiet === true, stdout: io.stdout });
  return reports.every((r) => r.valid) ? EXIT.OK : EXIT.FAILURE_RESPONSE;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
