/**
 * The command line itself was misused (unknown command or option, missing or extra argument): `main` prints the
 * message and the usage of the command, never a stack trace, and exits 2, so a script can tell misuse from a failed run.
 */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}
