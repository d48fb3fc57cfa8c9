/**
 * A problem with what the user asked for: bad or missing argument, invalid URI, forbidden
 * header value. The CLI prints `message` (what was wrong) and `hint` (how to fix it) on one
 * line each and exits 2; never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
