import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * Loads a Node built-in the first time a run needs it. `sipcall options` over UDP never needs
 * DNS or TLS, and each built-in costs start-up time when imported at the top of a module
 * (bench/README.md, start-up).
 */
export function lazyBuiltin<T>(name: 'node:dns/promises' | 'node:tls' | 'node:https'): T {
  return load(name) as T;
}
