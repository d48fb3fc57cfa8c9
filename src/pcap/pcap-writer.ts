import { closeSync, openSync, writeSync } from 'node:fs';
import { fileHeader, LINKTYPE_RAW, packetRecord } from './file-format.js';

/** Where the bytes of a pcap file go. */
export interface ByteSink {
  write(chunk: Buffer): void;
  close(): void;
}

/**
 * Writes a classic pcap file (LINKTYPE_RAW): the file header at once, then each packet as one
 * record, appended as it comes. Nothing is ever patched, so the file is valid at every moment:
 * a run that is killed leaves every packet written so far.
 */
export class PcapWriter {
  private closed = false;
  /** The first write error; writing stops after it. */
  error: Error | undefined;
  /** Packets written. */
  packets = 0;

  constructor(private readonly sink: ByteSink) {
    sink.write(fileHeader(LINKTYPE_RAW));
  }

  /** Appends one raw IP packet stamped `wallMs` (Unix time in ms, with a fraction). */
  packet(wallMs: number, ip: Uint8Array): void {
    if (this.closed || this.error) return;
    try {
      this.sink.write(packetRecord(wallMs, ip));
      this.packets++;
    } catch (err) {
      this.error = err as Error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sink.close();
    } catch {
      /* already gone */
    }
  }
}

/**
 * A sink on a file, created (or truncated) now. Writes are synchronous, one `write(2)` per
 * record, so each record is in the file when the call returns. Throws the `fs` error (ENOENT,
 * EACCES, EISDIR, …) when the file cannot be opened for writing.
 */
export function fileSink(path: string): ByteSink {
  const fd = openSync(path, 'w');
  return {
    write(chunk) {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
    },
    close() {
      closeSync(fd);
    },
  };
}
