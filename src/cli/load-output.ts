import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../engine/errors.js';
import { unwritableReason } from '../pcap/index.js';
import type { LoadInterval, LoadSummary } from '../load/summary.js';
import { loadCsvHeader, loadCsvRow } from '../present/load-csv.js';
import { hdrLogHeader, hdrLogLines } from '../present/load-hdr.js';
import { formatLoadLive } from '../present/load-live.js';
import { formatLoadSummary } from '../present/load-summary.js';
import type { CliIo } from './io.js';

/** What a usage error about an unwritable output file tells the user (as `--pcap` does). */
const PATH_HINT = 'nothing was sent; give a file in a directory you can write to';

/** Creates (or truncates) an output file now, before anything is sent: exit 2 when it cannot be written. */
export function openOutputFile(path: string, flag: string): number {
  if (path === '') throw new UsageError(`${flag} needs a file name`, PATH_HINT);
  try {
    return openSync(path, 'w');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UsageError(`${flag} ${path}: cannot write it: ${unwritableReason(e)}${e.code ? ` (${e.code})` : ''}`, PATH_HINT);
  }
}

export interface LoadOutputOptions {
  json: boolean;
  csv?: string;
  hdr?: string;
}

/**
 * Where a load run's intervals and summary go (docs/load.md, "Outputs"): with `--json`, each
 * `load.interval` and the `load.summary` as a JSON line on stdout; otherwise the live line on
 * stderr, rewritten in place each second, only when stderr is a terminal, and the summary block
 * on stdout. `--csv` and `--hdr` files are opened by the constructor (before anything is sent)
 * and written as the intervals come.
 */
export class LoadOutput {
  private readonly csv: number | undefined;
  private readonly hdr: number | undefined;
  private readonly live: boolean;
  private liveShown = false;
  /** Wall-clock time (epoch ms) of the run's t0, known once the run has started. */
  private wallT0: number | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly o: LoadOutputOptions,
  ) {
    this.csv = o.csv !== undefined ? openOutputFile(o.csv, '--csv') : undefined;
    try {
      this.hdr = o.hdr !== undefined ? openOutputFile(o.hdr, '--hdr') : undefined;
    } catch (err) {
      if (this.csv !== undefined) closeSync(this.csv);
      throw err;
    }
    this.live = !o.json && io.stderr.isTTY === true;
  }

  /** The run has started: `wallT0` is the wall-clock time of its t0 (epoch ms). Writes the file headers. */
  started(wallT0: number): void {
    if (this.wallT0 !== undefined) return;
    this.wallT0 = wallT0;
    if (this.csv !== undefined) writeSync(this.csv, loadCsvHeader());
    if (this.hdr !== undefined) writeSync(this.hdr, hdrLogHeader(wallT0));
  }

  interval(ev: LoadInterval): void {
    const t0 = this.wallT0 ?? Date.now() - ev.t * 1000;
    this.started(t0);
    if (this.csv !== undefined) writeSync(this.csv, loadCsvRow(ev, t0));
    if (this.hdr !== undefined) {
      const lines = hdrLogLines(ev);
      if (lines) writeSync(this.hdr, lines);
    }
    if (this.o.json) {
      // The encoded per-second histograms (present with --hdr) go to the HdrHistogram log only.
      const { histograms: _h, intervalMax: _m, ...plain } = ev;
      this.io.stdout.write(`${JSON.stringify(plain)}\n`);
    } else if (this.live) {
      this.io.stderr.write(`\r${formatLoadLive(ev)}\x1b[K`);
      this.liveShown = true;
    }
  }

  /** A line for the user on stderr (after clearing the live line). */
  note(text: string): void {
    this.clearLive();
    this.io.stderr.write(`sipcall: ${text}\n`);
  }

  summary(s: LoadSummary): void {
    this.clearLive();
    if (this.o.json) this.io.stdout.write(`${JSON.stringify(s)}\n`);
    else this.io.stdout.write(formatLoadSummary(s));
  }

  close(): void {
    this.clearLive();
    if (this.wallT0 === undefined) this.started(Date.now());
    for (const fd of [this.csv, this.hdr]) if (fd !== undefined) closeSync(fd);
  }

  private clearLive(): void {
    if (!this.liveShown) return;
    this.io.stderr.write('\r\x1b[K');
    this.liveShown = false;
  }
}
