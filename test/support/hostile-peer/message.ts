// One message as the hostile peer received it: its start line and header fields, read line by
// line from the text. The text is latin1 (one character per byte), so that every byte sipcall
// sent, valid UTF-8 or not, is kept and can be echoed back unchanged. No folding, and a compact
// name (RFC 3261 §7.3.3) counts only where the caller names it. Not a SIP parser, on purpose:
// it must not share the mistakes of sipcall's own.

export interface WireMessage {
  /** The whole message as text (latin1: one character per byte). */
  text: string;
  /** A request's method (`SIP/2.0` for a response). */
  method: string;
  /** A request's Request-URI (the status code for a response). */
  uri: string;
  /** A response (its start line begins `SIP/2.0 `), not a request. */
  isResponse: boolean;
  /** Every value of a header field (case-insensitive name, or its `compact` form), in order, trimmed. */
  all(name: string, compact?: string): string[];
  /** The first value of a header field. */
  get(name: string, compact?: string): string | undefined;
}

/** Reads a message's start line and header lines. */
export function readMessage(bytes: Buffer | string): WireMessage {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
  const head = text.split('\r\n\r\n')[0] ?? '';
  const [start = '', ...lines] = head.split('\r\n');
  const [method = '', uri = ''] = start.split(' ');
  const fields = lines.map((l) => {
    const c = l.indexOf(':');
    return [l.slice(0, Math.max(0, c)).trim().toLowerCase(), l.slice(c + 1).trim()] as const;
  });
  const all = (name: string, compact?: string) => {
    const names = [name.toLowerCase(), ...(compact ? [compact.toLowerCase()] : [])];
    return fields.filter(([n]) => names.includes(n)).map(([, v]) => v);
  };
  return { text, method, uri, isResponse: start.startsWith('SIP/2.0 '), all, get: (name, compact) => all(name, compact)[0] };
}
