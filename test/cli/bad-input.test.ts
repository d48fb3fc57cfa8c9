import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../support/fake-io.js';

/**
 * Every bad command line exits 2 with one line naming the problem and how to fix it, and no
 * stack trace (issue: "A table-driven test of at least 30 bad command lines").
 */
const BAD: Array<[string[], RegExp]> = [
  [['invite'], /missing required argument 'target'/],
  [['invite', ''], /target is empty/],
  [['invite', 'bob@'], /no host/],
  [['invite', 'host:0'], /port 0 .*out of range/],
  [['invite', 'host:70000'], /port 70000 .*out of range/],
  [['invite', '::1'], /IPv6 address without brackets/],
  [['invite', '[::1'], /never closed/],
  [['invite', '999.1.2.3'], /not a valid IPv4/],
  [['invite', 'http://example.com'], /scheme http/],
  [['invite', 'tel:+1555'], /tel: URI/],
  [['invite', 'bob@host', '--transport', 'carrier-pigeon'], /unknown transport/],
  [['invite', 'bob@host', '--transport', 'sctp'], /--transport sctp is not supported/],
  [['invite', 'sip:bob@host;transport=sctp'], /;transport=sctp is not supported/],
  [['invite', 'bob@host', '--transport', 'udp', '--ca', 'ca.pem'], /--ca only applies to TLS and WSS, but this run uses UDP/],
  [['invite', 'bob@host', '--ca', 'no-such-ca.pem'], /--ca no-such-ca\.pem: no such file/],
  [['invite', 'bob@host', '--insecure', '--transport', 'ws'], /--insecure only applies to TLS and WSS/],
  [['invite', 'sips:bob@host', '--cert', 'c.pem'], /--cert without --key/],
  [['invite', 'sips:bob@host', '--ca', 'no-such-file.pem'], /--ca no-such-file\.pem: no such file/],
  [['invite', 'bob@host', '--ws-url', 'http://example.com/'], /not a ws:\/\/ or wss:\/\/ URL/],
  [['invite', 'bob@host', '--ws-url', 'not a url'], /is not a URL/],
  [['invite', 'bob@host', '--ws-url', 'ws://example.com/', '--transport', 'tls'], /--ws-url ws:\/\/example\.com\/ contradicts --transport tls/],
  [['invite', 'sips:bob@host', '--transport', 'ws'], /a sips: target cannot be reached over WS/],
  [['answer', '--transport', 'tls'], /--transport tls needs --cert and --key/],
  [['answer', '--transport', 'sctp'], /answer cannot listen on SCTP/],
  [['answer', '--transport', 'tcp', '--cert', 'c.pem'], /--cert only applies to TLS and WSS, but answer listens on TCP/],
  [['answer', '--transport', 'wss', '--cert', 'no-such.pem', '--key', 'k.pem'], /--cert no-such\.pem: no such file/],
  [['answer', '--bye-after', 'soon'], /--bye-after must be/],
  [['register', 'bob@host', '--listen', '--keepalive', '0'], /--keepalive must be a positive/],
  [['invite', 'sip:bob@host;transport=udp', '--transport', 'tcp'], /contradicts/],
  [['invite', 'sips:bob@host', '--transport', 'udp'], /a sips: target cannot be reached over UDP.*RFC 3261 §26\.2\.1/],
  [['invite', 'bob@host', '--header', 'X-Evil: a\r\nVia: smuggled'], /carriage return/],
  [['invite', 'bob@host', '--header', 'X-Evil: a\nB: c'], /line feed/],
  [['invite', 'bob@host', '--header', 'X-Nul: a\0b'], /NUL/],
  [['invite', 'bob@host', '--header', 'no colon here'], /not of the form/],
  [['invite', 'bob@host', '--header', 'Bad Name: x'], /not a valid SIP token/],
  [['invite', 'bob@host', '--t1', '0'], /--t1 must be a positive/],
  [['invite', 'bob@host', '--t1', '-5'], /--t1 must be a positive/],
  [['invite', 'bob@host', '--t1', 'abc'], /--t1 must be a positive/],
  [['invite', 'bob@host', '--t1', '500', '--t2', '100'], /--t2 100 is smaller than --t1 500/],
  [['invite', 'bob@host', '--duration', 'forever'], /--duration must be/],
  [['invite', 'bob@host', '--ring-timeout', '0'], /--ring-timeout must be a positive/],
  [['invite', 'bob@host', '--local', 'not-an-ip'], /not an IP address/],
  [['invite', 'bob@host', '--local', '127.0.0.1:99999'], /out of range/],
  [['invite', 'bob@host', '--user-agent', 'x\r\ny'], /carriage return/],
  [['invite', 'bob@host', '--expect', '999'], /not a status code/],
  [['invite', 'bob@host', '--from', 'not a uri'], /white space/],
  [['invite', 'bob@host', '--bogus-flag'], /unknown option '--bogus-flag'/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['register', 'example.com'], /needs a user part/],
  [['register', 'alice@example.com', '--expires', '-1'], /--expires must be a whole number/],
  [['bye', 'bob@host'], /required option '--call-id/],
  [['bye', 'bob@host', '--call-id', 'a b', '--from-tag', 'x', '--to-tag', 'y'], /--call-id .* characters not allowed/],
  [['request', 'ACK', 'bob@host'], /ACK cannot be sent on its own/],
  [['request', 'BAD METHOD', 'bob@host'], /not a valid SIP method/],
  [['request', 'MESSAGE', 'bob@host', '--body', 'no-such-file.txt'], /no such file/],
  [['request', 'MESSAGE', 'bob@host', '--content-type', 'text/plain'], /--content-type without --body/],
  [['answer', '--port', '70000'], /--port 70000 is out of range/],
  [['answer', '--respond', '99'], /--respond 99 is out of range/],
  [['demo', 'dance'], /unknown demo/],
  [['explain', 'no-such-file.sip'], /no such file/],
  [[], /no command given/],
];

describe('bad command lines', () => {
  it('has at least 30 cases', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30);
  });
  for (const [argv, message] of BAD) {
    it(`sipcall ${argv.map((a) => JSON.stringify(a)).join(' ')} → exit 2`, async () => {
      const io = fakeIo();
      const code = await run(argv, io);
      expect(code).toBe(2);
      expect(io.out.text).toBe('');
      const first = io.err.text.split('\n')[0];
      expect(first).toMatch(/^sipcall: /);
      expect(first).toMatch(message);
      // how to fix it: a hint after ';' or a pointer to --help
      expect(first).toMatch(/; /);
      expect(io.err.text).not.toMatch(/\n\s+at .*\(/); // no stack trace
    });
  }
});
