import { UsageError } from '../engine/errors.js';
import { openPcapFile, PcapFileError, type PcapCapture } from '../pcap/index.js';

/** What a usage error about an unwritable capture file tells the user to do. */
const PCAP_PATH_HINT = 'nothing was sent; give a file in a directory you can write to';

/**
 * Opens the `--pcap FILE` of a command (docs/pcap.md), before anything is sent: the file is
 * created (or truncated) and its header written at once. A path that cannot be written is a
 * usage error (exit 2). Returns undefined without `--pcap`.
 */
export function openPcapOption(flags: { pcap?: unknown }): PcapCapture | undefined {
  if (typeof flags.pcap !== 'string') return undefined;
  if (flags.pcap === '') throw new UsageError('--pcap needs a file name');
  try {
    return openPcapFile(flags.pcap);
  } catch (err) {
    if (err instanceof PcapFileError) throw new UsageError(`--pcap ${err.message}`, PCAP_PATH_HINT);
    throw err;
  }
}
