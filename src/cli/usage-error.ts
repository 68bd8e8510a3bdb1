/**
 * The command line itself was misused (unknown command or option, missing or extra argument): `main` prints the
 * message and the usage, never a stack trace, and exits 2, so a script can tell misuse from a failed run.
 */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Node's `parseArgs` rejects bad options with a `TypeError` carrying an `ERR_PARSE_ARGS_*` code: that is misuse. */
export function asUsageError(err: unknown): CliUsageError | null {
  if (err instanceof CliUsageError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return new CliUsageError((err as Error).message.split(/\.\s|\n/)[0] ?? code);
  return null;
}
