import type { Command } from 'commander';

// --dns-server is read in the engine (src/engine/flags/dns.ts), shared with the library API; only
// its declaration is here.
export { dnsServerFrom, parseDnsServer } from '../engine/flags/dns.js';

/** `--dns-server HOST[:PORT]` (docs/dns.md). Declared here so that program.ts only names it. */
export function addDnsOptions(cmd: Command): Command {
  return cmd.option('--dns-server <host[:port]>', 'ask this DNS server (an IP address, port 53 by default) for NAPTR, SRV, A and AAAA records (RFC 3263)');
}
