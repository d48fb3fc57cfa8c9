/**
 * A `sipcall load` input that cannot be used: a bad `--ramp`, `--segment`, `--threshold`, a
 * plan without a rate, or a results file that `sipcall load merge` cannot read. `message` says
 * what was wrong, `hint` how to fix it, one line each; the CLI prints both and exits 2 (usage).
 * The `flag` names the option at fault when there is one (`--ramp`, `--segment`, …).
 */
export class LoadInputError extends Error {
  override readonly name = 'LoadInputError';
  constructor(
    message: string,
    readonly hint: string,
    readonly flag?: string,
  ) {
    super(message);
  }
}
