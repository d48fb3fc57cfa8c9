import { Command, Option } from 'commander';
import { addRouteOptions } from './route-options.js';
import { addDnsOptions } from './dns-options.js';
import { addLoadCommand } from './load-options.js';
import type { PlanFlags } from '../engine/flags/types.js';

/**
 * Options every SIP-sending command takes: the flags a plan is built from (shared with the
 * library API, src/engine/flags/types.ts), plus the output flags only the CLI has.
 */
export interface CommonFlags extends PlanFlags {
  header: string[];
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
  ladder?: boolean;
  timers?: boolean;
  debug?: boolean;
  /** `--pcap FILE` (docs/pcap.md). */
  pcap?: string;
}

export type CommandName = 'invite' | 'options' | 'register' | 'bye' | 'request' | 'answer' | 'demo' | 'explain' | 'diagnose' | 'resolve' | 'test' | 'load' | 'load merge';

/** Every command name, for declaring only the one being run. */
export const COMMAND_NAMES: readonly string[] = ['invite', 'options', 'register', 'bye', 'request', 'answer', 'demo', 'explain', 'diagnose', 'resolve', 'test', 'load'];

/** What commander found: the command, its positional arguments and its flags. */
export interface ParsedCommand {
  name: CommandName;
  args: string[];
  flags: CommonFlags & Record<string, unknown>;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const PCAP_FLAG = '--pcap <file>';
const PCAP_HELP = 'write what was sent and received (SIP, RTP, RTCP) to this pcap file (docs/pcap.md)';

function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print the event stream as JSON lines (no colour, spinner or prompts)')
    .option('-v, --verbose', 'show full messages as sent and received')
    .option('-q, --quiet', 'print the result line only')
    .option('--timers', 'show every timer start and stop and every transaction state change')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also: NO_COLOR=1)')
    .option('--no-input', 'never prompt; a missing value is an error')
    .option('--ladder', 'draw an ASCII ladder diagram of the flow')
    .option('--debug', 'show stack traces of internal errors');
}

function addSipOptions(cmd: Command): Command {
  cmd
    .option('--from <uri>', 'our address-of-record for From (default sip:sipcall@<local address>)')
    .option('-H, --header <header>', "extra header 'Name: value' (repeatable)", collect, [])
    .option('--user-agent <text>', 'User-Agent header value')
    .option('-t, --transport <name>', 'udp, tcp, tls, ws or wss (default: from the target, tls for sips:, else udp)')
    .option('--local <addr[:port]>', 'local address and/or port to send from')
    .option('--t1 <ms>', 'RFC 3261 T1, round-trip estimate (default 500)')
    .option('--t2 <ms>', 'RFC 3261 T2, maximum retransmit interval (default 4000)')
    .option('--t4 <ms>', 'RFC 3261 T4, maximum time a message stays in the network (default 5000)')
    .option('--expect <status>', 'final statuses that count as success, e.g. 200, 4xx, 486,603 (exit 5 otherwise)')
    .option('--keep-trying', 'on ICMP unreachable over UDP, keep retransmitting until Timer B/F instead of stopping at once')
    .option('--no-follow', 'stop at a 3xx instead of following its Contacts (RFC 3261 §8.1.3.4; followed by default, at most 5 hops)')
    .option(PCAP_FLAG, PCAP_HELP);
  addRouteOptions(cmd);
  addTlsOptions(cmd);
  addDnsOptions(cmd);
  addCredentialOptions(cmd);
  return addOutputOptions(cmd);
}

/** TLS (RFC 3261 §26.2) and WebSocket (RFC 7118) settings: src/cli/transport-options.ts reads them. */
function addTlsOptions(cmd: Command): Command {
  return cmd
    .option('--ca <file>', 'TLS/WSS: also trust the CA certificates in this PEM file (besides the system CAs)')
    .option('--cert <file>', 'TLS/WSS: our client certificate (PEM), for servers that ask for one')
    .option('--key <file>', 'TLS/WSS: the private key (PEM) of --cert')
    .option('--insecure', 'TLS/WSS: do not verify the server certificate (a lab only; warns on every run)')
    .option('--ws-url <url>', 'SIP over WebSocket (RFC 7118) to this ws:// or wss:// URL; implies --transport ws or wss');
}

/** Digest credentials for 401/407 challenges (docs/auth.md): never echoed in any output. */
function addCredentialOptions(cmd: Command): Command {
  return cmd
    .option('-u, --user <name>', 'our user name: From user (unless --from) and default authentication user')
    .option('--auth-user <name>', 'authentication user name, when it differs from the From/AOR user')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .option('--password <password>', 'the password (visible to other users in the process list: prefer SIPCALL_PASSWORD)')
    .option('--ha1 <hex>', 'precomputed H(user:realm:password) instead of a password (32 hex digits MD5, 64 SHA-256)');
}

/**
 * Declares the command line. Returns a promise-producing parser: the commander program is
 * built per run so that tests can run many in one process.
 */
export function buildProgram(
  version: string,
  write: { out: (s: string) => void; err: (s: string) => void },
  onCommand: (parsed: ParsedCommand) => void,
  /** Declare only this command (start-up: each declaration costs time); all when undefined. */
  only?: string,
): Command {
  const want = (name: CommandName) => only === undefined || only === name;
  const program = new Command('sipcall')
    .description('SIP softphone and UAC probe: every request, response and RFC 3261 timer, explained.')
    .version(version, '-V, --version')
    .configureOutput({ writeOut: write.out, writeErr: write.err })
    .exitOverride()
    // Options belong to the command they follow: `load merge … --json` is the merge's (load-options.ts).
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  sipcall demo                          a full call against sipcall's own loopback UAS
  sipcall invite bob@127.0.0.1:5060     call, hold 0 s (or until Enter on a TTY), hang up
  sipcall options sip:127.0.0.1 --json  ping, JSON lines for scripts
  sipcall explain message.sip           explain a SIP message copied from a log
  sipcall load sip:pbx:5060 -r 100 --duration 10s   100 calls/s for 10 s, a latency summary

Exit codes: 0 success, 1 final 3xx-6xx, 2 usage, 3 timeout, 4 transport error,
            5 --expect not met, 6 media failed, 7 a load --threshold failed,
            70 internal error, 130 interrupted.`,
    );

  const action =
    (name: CommandName) =>
    (...all: unknown[]) => {
      const cmd = all[all.length - 1] as Command;
      const args = (all.slice(0, -2) as Array<string | undefined>).filter((a): a is string => a !== undefined);
      onCommand({ name, args, flags: cmd.opts() as ParsedCommand['flags'] });
    };

  if (want('invite')) {
    addSipOptions(
      program
        .command('invite')
        .description('place a call: INVITE, ACK, hold, BYE; Ctrl-C sends CANCEL or BYE')
        .argument('<target>', 'bob@host, host:port, sip:/sips: URI, [::1]:5070')
        .option('--no-sdp', 'send the INVITE without an SDP offer')
        .option('-d, --duration <seconds>', 'hold the call this long after the ACK (default: until Enter on a TTY, else 0)')
        .option('--ring-timeout <seconds>', 'CANCEL when no final response this long after the first 1xx', '60')
        .option('--no-media', 'signalling only: no RTP (the offer names a port nothing listens on)')
        .option('--play <what>', 'what we send: tone:FREQ[+FREQ][@DBFS], silence, or an 8 kHz mono WAV (default tone:440@-20)')
        .option('--record <file.wav>', 'record what we receive (8 kHz mono PCM16 WAV)')
        .option('--record-both <file.wav>', 'record both ways in stereo: L = sent, R = received')
        .option('--dtmf <digits>', 'send DTMF after the answer: 0-9 * # A-D, "," = 500 ms pause')
        .option('--dtmf-mode <mode>', 'rfc4733, info, inband or auto (RFC 4733 if the answer has telephone-event, else INFO)', 'auto')
        .option('--media-timeout <seconds>', 'no RTP this long is a verdict (default 2)')
        .option('--expect-tone <hz>', "exit 5 unless the peer's audio carries this tone")
        .option('--check <what>', 'echo: send 1 kHz bursts, time their return (audio round trip)')
        .option('--rtp-port <n|a-b>', 'our RTP port (even) or range (default: a free pair in 40000-59999)')
        .option('--late-offer', 'INVITE without SDP: the offer comes in the 200, our answer in the ACK')
        .option('--100rel <mode>', 'reliable provisional responses (RFC 3262): require, supported (default) or off')
        .option('--hold-after <seconds>', 'put the call on hold this long after the answer (re-INVITE with a=sendonly, RFC 3264 §8.4)')
        .option('--hold-for <seconds>', 'with --hold-after: resume (a=sendrecv) this long after the hold')
        .option('--accept-transfer', 'follow a REFER from the peer: call its target, report by NOTIFY, then hang up (RFC 3515)')
        .option('--transfer-to <uri>', 'blind transfer (REFER, RFC 3515) 1 s after the answer; a 2xx NOTIFY ends our call')
        .option('--session-expires <seconds>', 'ask for session timers with this interval (RFC 4028; Supported: timer is always sent)'),
    ).action(action('invite'));
  }

  if (want('options')) {
    addSipOptions(
      program
        .command('options')
        .description('OPTIONS ping: round-trip time and what the peer says about itself')
        .argument('<target>', 'bob@host, host:port, sip:/sips: URI'),
    ).action(action('options'));
  }

  if (want('register')) {
    addSipOptions(
      program
        .command('register')
        .description('REGISTER a binding (--refresh to stay registered until Ctrl-C), or --unregister, --unregister-all, --query')
        .argument('<aor>', 'address-of-record, e.g. alice@example.com')
        .option('--expires <seconds>', 'requested binding lifetime', '3600')
        .option('--contact <uri>', 'Contact to bind (default: sip:USER@<local address:port>)')
        .option('--unregister', 'remove our binding (Expires: 0)')
        .option('--unregister-all', 'remove every binding of the AOR (Contact: *, Expires: 0)')
        .option('--query', 'list the bindings of the AOR (no Contact)')
        .option('--refresh', 'stay registered, refreshing before expiry, until Ctrl-C; then unregister')
        .option('--listen', 'stay registered (as --refresh) and take the calls the binding brings, on the same flow')
        .option('--auto-answer [seconds]', 'with --listen: answer incoming calls after this many seconds of ringing (default 0)')
        .option('--respond <code>', 'with --listen: the final status for incoming calls (default 200; e.g. 486, 603)')
        .option('--no-media', 'with --listen: answer without media (an SDP whose port nothing listens on)')
        .option('--keepalive <seconds>', 'with --listen over TCP/TLS/WS: CRLF keep-alive interval (RFC 5626 §4.4.1; default 120)')
        .option('--registrar <uri>', 'send to this registrar instead of the AOR domain'),
    ).action(action('register'));
  }

  if (want('bye')) {
    addSipOptions(
      program
        .command('bye')
        .description('tear down a known (stuck) dialog')
        .argument('<target>', 'the remote target (Contact) of the dialog')
        .requiredOption('--call-id <id>', 'Call-ID of the dialog')
        .requiredOption('--from-tag <tag>', 'our tag (From tag of the dialog)')
        .requiredOption('--to-tag <tag>', 'the remote tag (To tag of the dialog)')
        .option('--cseq <n>', 'CSeq number for the BYE (default: random, RFC 3261 §8.1.1.5)'),
    ).action(action('bye'));
  }

  if (want('request')) {
    addSipOptions(
      program
        .command('request')
        .description('send any other out-of-dialog request (MESSAGE, INFO, SUBSCRIBE, …)')
        .argument('<method>', 'the SIP method')
        .argument('<target>', 'bob@host, host:port, sip:/sips: URI')
        .option('--body <file>', 'message body from a file, or - for standard input')
        .option('--content-type <type>', 'Content-Type of the body (default text/plain)'),
    ).action(action('request'));
  }

  if (want('diagnose')) {
    addSipOptions(
      program
        .command('diagnose')
        .description('when "it does not work": resolve, OPTIONS over UDP and TCP, optionally INVITE+CANCEL; a table and the verdicts')
        .argument('<target>', 'bob@host, host:port, sip: URI')
        .option('--invite', 'also send an INVITE and CANCEL it after the first provisional response'),
    ).action(action('diagnose'));
  }

  if (want('resolve')) {
    addOutputOptions(
      addDnsOptions(
        program
          .command('resolve')
          .description('how sipcall locates the server (RFC 3263: NAPTR, SRV, A/AAAA): the tree of records, with TTLs, and the order it would try')
          .argument('<target>', 'host, bob@host, host:port, sip:/sips: URI with ;transport=')
          .option('-t, --transport <name>', 'only this transport (as ;transport= would)')
          .option('-4, --ipv4', 'A records only')
          .option('-6, --ipv6', 'AAAA records only'),
      ),
    ).action(action('resolve'));
  }

  if (want('answer')) {
    addOutputOptions(
      program
        .command('answer')
        .description('a small auto-answering UAS: INVITE → 100, 180, 200 (or --respond)')
        .option('-p, --port <port>', 'port to listen on (default: a free one)', '0')
        .option('--address <addr>', 'address to listen on', '127.0.0.1')
        .option('-t, --transport <name>', 'udp, tcp, tls, ws or wss (TLS and WSS need --cert and --key)', 'udp')
        .option('--cert <file>', 'TLS/WSS: our server certificate (PEM)')
        .option('--key <file>', 'TLS/WSS: the private key (PEM) of --cert')
        .option('--bye-after <seconds>', 'hang up each call (BYE) this many seconds after its ACK')
        .option('--idle-timeout <seconds>', 'TCP/TLS/WS/WSS: close a connection idle this long with no transaction or call of ours on it (default 120)')
        .option('--load', 'load mode (UDP, signalling only): INVITE/ACK/BYE/CANCEL served by a fast path with the same RFC 3261/6026 transactions, no per-message output; a rate line each second on a terminal and a summary (docs/answer-load.md)')
        .option('--respond <code>', 'final status for INVITE', '200')
        .option('--ring <ms>', 'milliseconds between 180 and the final response', '500')
        .option('-d, --duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
        .option('--t1 <ms>', 'RFC 3261 T1 for our 2xx retransmissions', '500')
        .option('--t2 <ms>', 'RFC 3261 T2', '4000')
        .option('--user-agent <text>', 'Server header value')
        .option(PCAP_FLAG, PCAP_HELP)
        .option('--no-media', 'signalling only: answer with an SDP whose port nothing listens on')
        .option('--play <what>', 'what we send: tone:FREQ[+FREQ][@DBFS], silence, or an 8 kHz mono WAV (default tone:440@-20)')
        .option('--echo', 'loop the audio we receive back to the caller')
        .option('--record <file.wav>', 'record what we receive (8 kHz mono PCM16 WAV; one call)')
        .option('--record-both <file.wav>', 'record both ways in stereo: L = sent, R = received')
        .option('--dtmf <digits>', 'send these digits (RFC 4733) after answering')
        .option('--media-timeout <seconds>', 'no RTP this long is reported (default 2)')
        .option('--rtp-port <n|a-b>', 'RTP port (even) or range for answered calls')
        .option('--fault <spec>', 'fault injector for tests: drop=5%, jitter=30ms, stop-after=2s, no-rtp, pt=8, from-other-port, sdp-port=N, sdp-address=ADDR (repeatable)', collect, []),
    ).action(action('answer'));
  }

  if (want('demo')) {
    addOutputOptions(
      program
        .command('demo')
        .description("see a whole call against sipcall's own loopback UAS; `demo timeout` shows Timer A/B")
        .argument('[scenario]', 'call (default) or timeout'),
    ).action(action('demo'));
  }

  if (want('explain')) {
    addOutputOptions(
      program
        .command('explain')
        .description('explain SIP messages copied from a log: IDs, category, meaning, problems')
        .argument('[file]', 'a file, or - for standard input (default -)'),
    ).action(action('explain'));
  }

  if (want('test')) {
    program
      .command('test')
      .description('run smoke tests written as YAML files: steps, expectations, reports for CI (docs/testfile.md)')
      .argument('[files...]', 'test files (YAML)')
      .option('--only <name>', 'run only the tests with this name (repeatable; else names containing it)', collect, [])
      .option('--jobs <n>', 'run this many tests at once, each on its own socket (reported in file order)', '1')
      .option('--junit <file>', 'also write a JUnit XML report to this file')
      .option('--tap', 'report as TAP version 13 on stdout')
      .option('--json', 'the event stream as JSON lines, each with its test id, and a result per test')
      .option('--validate', 'check the files (format, variables, targets) without sending anything')
      .option('--schema', "print the test file's JSON Schema")
      .option('--var <name=value>', 'set a variable over the file\'s vars: (repeatable)', collect, [])
      .option('--pcap-dir <dir>', 'write a pcap per test into this existing directory: FILE-N.pcap (docs/pcap.md)')
      .option('-v, --verbose', 'with --json: also the full text of every message (wire events)')
      .option('--color', 'force colour')
      .option('--no-color', 'no colour (also: NO_COLOR=1)')
      .option('--debug', 'show stack traces of internal errors')
      .action((files: string[], _opts: unknown, cmd: Command) => onCommand({ name: 'test', args: files, flags: cmd.opts() as ParsedCommand['flags'] }));
  }

  if (want('load')) {
    addLoadCommand(program, (name, args, flags) => onCommand({ name, args, flags: flags as ParsedCommand['flags'] }));
  }

  for (const c of [...program.commands, ...program.commands.flatMap((p) => p.commands)]) {
    c.exitOverride().configureOutput({ writeOut: write.out, writeErr: write.err }).showSuggestionAfterError(true);
  }
  return program;
}

export { Option };
