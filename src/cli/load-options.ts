import type { Command } from 'commander';
import { addDnsOptions } from './dns-options.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The two commands the declaration below reports: a run, or a merge of runs' results. */
export type LoadCommandName = 'load' | 'load merge';

/**
 * `sipcall load TARGET` and `sipcall load merge FILE…` (docs/load.md). `-r`, `-m` and `-l` are
 * SIPp's letters for the same things. `merge` is a sub-command of `load`: the program has
 * positional options (program.ts), so the options after `merge` are the merge's own.
 */
export function addLoadCommand(
  program: Command,
  onCommand: (name: LoadCommandName, args: string[], flags: Record<string, unknown>) => void,
): Command {
  const load = program
    .command('load')
    .description('load test: calls (or OPTIONS, REGISTER) at a planned rate over UDP, TCP or TLS, latencies from each call\'s intended start (docs/load.md)')
    .argument('<target>', 'bob@host, host:port, sip: URI; for --scenario register the address-of-record')
    .enablePositionalOptions()
    .option('--scenario <name>', 'call (INVITE, ACK, BYE), options or register', 'call')
    .option('-r, --rate <n>', 'calls per second (the first rate of a --ramp)')
    .option('--duration <time>', 'how long to start calls: 10s, 500ms, 2m, or seconds (not with --ramp)')
    .option('-m, --calls <n>', 'number of calls (with --duration or --ramp: a cap)')
    .option('-l, --max-concurrent <n>', 'a call due while this many are in progress is dropped (counted)')
    .option('--hold <time>', 'time between the ACK and the BYE (default 0)')
    .option('--ramp <spec>', "stages RATE/TIME, comma-separated: 1000/10s ramps, =1000/30s holds (e.g. '1000/10s,=1000/30s,0/5s')")
    .option('--threshold <expr>', "pass/fail gate, exit 7 when one fails: 'p99(setup)<50ms', 'failed<0.1%', 'dropped==0' (repeatable)", collect, [])
    .option('--json', 'JSON lines on stdout: a load.interval per second, then the load.summary')
    .option('--csv <file>', "one row per second in SIPp's -trace_stat columns (;-separated)")
    .option('--hdr <file>', "the per-second latency histograms as an HdrHistogram log (µs)")
    .option('--segment <i/n>', 'run the i-th of n equal parts of the plan (several processes; see load merge)')
    .option('--ring-timeout <time>', 'CANCEL a call with no final response this long after its INVITE (default 60s)')
    .option('--expires <seconds>', 'Expires of each REGISTER (--scenario register)', '3600')
    .option('--from <uri>', 'From URI (default sip:sipcall@<local address>, or sip:USER@<target host> with --user)')
    .option('--user-agent <text>', 'User-Agent header value')
    .option('-t, --transport <name>', 'udp (default), tcp or tls (also from ;transport= or a sips: target)')
    .option('--calls-per-connection <n>', 'TCP/TLS: calls per connection (default: all on one, SIPp -t t1; 1 is SIPp -t tn)')
    .option('--local <addr[:port]>', 'UDP: local address and/or port to send from')
    .option('--ca <file>', 'TLS: also trust the CA certificates in this PEM file (besides the system CAs)')
    .option('--cert <file>', 'TLS: our client certificate (PEM), for servers that ask for one')
    .option('--key <file>', 'TLS: the private key (PEM) of --cert')
    .option('--insecure', 'TLS: do not verify the server certificate (a lab only; warns)')
    .option('--t1 <ms>', 'RFC 3261 T1, round-trip estimate (default 500)')
    .option('--t2 <ms>', 'RFC 3261 T2, maximum retransmit interval (default 4000)')
    .option('-4, --ipv4', 'resolve host names to IPv4 addresses only (A records)')
    .option('-6, --ipv6', 'resolve host names to IPv6 addresses only (AAAA records)')
    .option('-u, --user <name>', 'our user name: From user (unless --from) and authentication user')
    .option('--auth-user <name>', 'authentication user name, when it differs from the From/AOR user')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .option('--password <password>', 'the password (visible to other users in the process list: prefer SIPCALL_PASSWORD; load never prompts)')
    .option('--ha1 <hex>', 'precomputed H(user:realm:password) instead of a password')
    .option('--pcap <file>', 'write every message sent and received to this pcap file (docs/pcap.md; costs time at high rates)')
    .option('--debug', 'show stack traces of internal errors');
  addDnsOptions(load);
  load.action((target: string, _opts: unknown, cmd: Command) => onCommand('load', [target], cmd.opts()));

  load
    .command('merge')
    .description('add the --json results of the segments of one plan (--segment i/n) into one summary')
    .argument('<files...>', 'the results (the output of sipcall load --json), one per segment')
    .option('--threshold <expr>', 'pass/fail gate on the merged result, exit 7 when one fails (repeatable)', collect, [])
    .option('--json', 'print the merged load.summary as one JSON line')
    .option('--debug', 'show stack traces of internal errors')
    .action((files: string[], _opts: unknown, cmd: Command) => onCommand('load merge', files, cmd.opts()));
  return load;
}
