// The exit codes live in the engine (shared with the library API's results).
export { EXIT, type ExitCode } from '../engine/exit-codes.js';
