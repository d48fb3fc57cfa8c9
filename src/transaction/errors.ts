/** The request handed to `TransactionLayer.send` cannot start a client transaction. */
export class TransactionRequestError extends Error {
  override readonly name = 'TransactionRequestError';
}

/** A live client transaction already has this branch and method (RFC 3261 §17.1.3 key). */
export class DuplicateTransactionError extends Error {
  override readonly name = 'DuplicateTransactionError';
  readonly branch: string;
  readonly method: string;

  constructor(branch: string, method: string) {
    super(`a ${method} client transaction with branch ${branch} is already running`);
    this.branch = branch;
    this.method = method;
  }
}
