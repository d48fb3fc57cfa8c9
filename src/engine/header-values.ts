import { UsageError } from './errors.js';

/**
 * Checks a user-supplied header for what would break the message framing or smuggle a second
 * header or message: CR, LF and NUL anywhere in the name or the value (RFC 3261 §7.3.1: a
 * header field ends at CRLF; a bare CR or LF would be read as one by many parsers), and a
 * name that is not an RFC 3261 `token` (§25.1).
 */
export function checkHeader(name: string, value: string, flag = '--header'): void {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name)) {
    throw new UsageError(
      `${flag}: header name ${JSON.stringify(name)} is not a valid SIP token`,
      'use letters, digits and - . ! % * _ + ` \' ~ only, as in --header "X-Test: 1"',
    );
  }
  const bad = /[\r\n\0]/.exec(value);
  if (bad) {
    const what = bad[0] === '\r' ? 'a carriage return (CR)' : bad[0] === '\n' ? 'a line feed (LF)' : 'a NUL byte';
    throw new UsageError(
      `${flag}: the value of ${name} contains ${what}, which would split the message`,
      'give one header per --header option, without line breaks',
    );
  }
}

/** Parses `Name: value` as given to --header. */
export function parseHeaderOption(text: string): { name: string; value: string } {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new UsageError(`--header ${JSON.stringify(text)} is not of the form "Name: value"`, 'example: --header "X-Test: 1"');
  }
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  checkHeader(name, value);
  return { name, value };
}
