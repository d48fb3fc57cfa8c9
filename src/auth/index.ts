// Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): pure, no I/O.
export * from './algorithms.js';
export * from './errors.js';
export * from './challenge.js';
export * from './choose.js';
export * from './credentials.js';
export * from './session.js';
