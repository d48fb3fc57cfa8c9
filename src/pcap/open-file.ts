import { PcapCapture } from './capture.js';
import { fileSink, PcapWriter } from './pcap-writer.js';

/** A `--pcap FILE` (or the library's `pcap` option) that cannot be written. Nothing was sent. */
export class PcapFileError extends Error {
  override readonly name = 'PcapFileError';

  constructor(
    /** The path as given. */
    readonly path: string,
    /** The `fs` error code (ENOENT, EACCES, EISDIR, …), when there is one. */
    readonly code: string | undefined,
    /** Why, in words: "its directory does not exist". */
    readonly why: string,
  ) {
    super(`${path}: cannot write it: ${why}${code ? ` (${code})` : ''}`);
  }
}

/** Why a file cannot be created, in words (shared by every CLI option that writes a file). */
export function unwritableReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'its directory does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return e.message ?? String(e);
  }
}

/**
 * Opens a capture on `path` (docs/pcap.md): the file is created (or truncated) and its header
 * written now, so a path that cannot be written fails here, before anything is sent, with a
 * {@link PcapFileError}. The one opener of the CLI's `--pcap` and the library's `pcap` option.
 */
export function openPcapFile(path: string): PcapCapture {
  if (path === '') throw new PcapFileError(path, undefined, 'no file name was given');
  try {
    return new PcapCapture(new PcapWriter(fileSink(path)));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new PcapFileError(path, e.code, unwritableReason(e));
  }
}
