import type { Command } from 'commander';
import { openBackend, type CatalogBackend, type RemoteOptions } from './backend.js';

/** What every command that talks to the running system takes: where to reach it, and JSON output. */
export type CommonOptions = RemoteOptions & { json?: boolean };

/** Adds `--json`, `--url` and `--token` to a command. */
export function withCommon(command: Command): Command {
  return command
    .option('--json', 'print JSON (for scripts) instead of text')
    .option('--url <api>', 'go through the admin API at this base URL (e.g. http://host:8080) instead of Redis')
    .option('--token <token>', 'admin token for --url (default: $ADMIN_TOKEN)');
}

/** Runs `fn` with an open backend and closes it after, whatever happens. */
export async function withBackend<T>(options: RemoteOptions, fn: (backend: CatalogBackend) => Promise<T>): Promise<T> {
  const backend = await openBackend(options);
  try {
    return await fn(backend);
  } finally {
    await backend.close();
  }
}
