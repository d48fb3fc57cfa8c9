import { UsageError } from '../engine/errors.js';
import { fileSink, PcapCapture, PcapWriter } from '../pcap/index.js';

/**
 * Opens the `--pcap FILE` of a command (docs/pcap.md), before anything is sent: the file is
 * created (or truncated) and its header written at once. A path that cannot be written is a
 * usage error (exit 2). Returns undefined without `--pcap`.
 */
export function openPcapOption(flags: { pcap?: unknown }): PcapCapture | undefined {
  if (typeof flags.pcap !== 'string') return undefined;
  const path = flags.pcap;
  if (path === '') throw new UsageError('--pcap needs a file name');
  try {
    return new PcapCapture(new PcapWriter(fileSink(path)));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'ENOENT' ? 'its directory does not exist'
      : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
      : e.code === 'EISDIR' ? 'it is a directory'
      : e.code === 'ENOTDIR' ? 'a part of the path is not a directory'
      : e.code === 'EROFS' ? 'the file system is read-only'
      : (e.message ?? String(err));
    throw new UsageError(`--pcap ${path}: cannot write it: ${why}${e.code ? ` (${e.code})` : ''}`, 'nothing was sent; give a file in a directory you can write to');
  }
}
