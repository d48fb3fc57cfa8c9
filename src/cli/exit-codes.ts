// The exit codes live in the engine (shared with the library API's results); `sipcall load` adds
// its own, which only the CLI returns.
import { EXIT as ENGINE_EXIT } from '../engine/exit-codes.js';

export const EXIT = {
  ...ENGINE_EXIT,
  /** `sipcall load` (or `load merge`): a `--threshold` failed (docs/load.md, "Thresholds and exit 7"). */
  THRESHOLD: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
