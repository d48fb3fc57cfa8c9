// How an outcome becomes an exit code: in the engine, shared with the library API.
export { decideExit, statusMatches } from '../engine/exit-codes.js';
