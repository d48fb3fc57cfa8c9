// Transport flags (--transport, --ws-url, --ca, --cert, --key, --insecure) → the plan's transport: in
// the engine (src/engine/flags/transport.ts), shared with the library API.
export * from '../engine/flags/transport.js';
