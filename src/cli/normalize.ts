import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfigFile, loadEnv, parseConfig } from '../config/load-config.js';
import type { SyndicationConfig } from '../config/schema.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { createNetworkGuard, fetchLimits, httpFetch, type NetworkGuard } from '../fetch/http-fetch.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { sandboxFromConfig, type Sandbox } from '../sandbox/sandbox.js';
import { CliUsageError } from './usage-error.js';

/** What a preview needs, built once for all its inputs: the configuration's limits, private-address guard and sandbox. */
interface Preview {
  config: SyndicationConfig;
  guard: NetworkGuard;
  sandbox: Sandbox;
}

/**
 * The configuration a preview runs under: the file the system would load (`SYNDICATE_CONFIG`, else
 * `config/syndication.yaml`), so its `network.allowHosts` and `limits` apply. Outside a checkout, where the default
 * file does not exist, the schema's defaults apply: the strictest guard, nothing private allowed.
 */
function previewConfig(): SyndicationConfig {
  const env = loadEnv();
  if (!process.env.SYNDICATE_CONFIG && !existsSync(env.configPath)) return parseConfig({});
  return loadConfigFile(env.configPath);
}

/** A file path becomes a file URL; http(s) and file URLs are kept; any other scheme is refused. */
function locationOf(input: string): string {
  if (/^(https?|file):/i.test(input)) return input;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(input);
  if (scheme) throw new SyndicateError('SYN_ERR_UNSUPPORTED_INPUT', `${input}: only http, https and file URLs (or a file path) are read, not ${scheme[1]}:`);
  return pathToFileURL(resolve(input)).href;
}

/**
 * Reads one input as the fetch worker would read a source at that address: the same guard, timeout and byte cap
 * (`fetchLimits`), an error status refused the same way, the same sandbox, decoding, parser, caps and entry cap.
 */
async function previewOne(input: string, preview: Preview): Promise<NormalizedItem[]> {
  try {
    return await readAndNormalize(locationOf(input), preview);
  } catch (err) {
    // Fetch errors carry their own codes; anything else went wrong reading the document.
    throw toSyndicateError(err, 'SYN_ERR_PARSE_FAILED');
  }
}

async function readAndNormalize(location: string, { config, guard, sandbox }: Preview): Promise<NormalizedItem[]> {
  const response = await httpFetch(location, fetchLimits(config, guard));
  if (response.status >= 300)
    throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${location} answered ${response.status}`, { details: { status: response.status } });
  return normalizeDocument(
    { body: response.body, contentType: response.headers['content-type'], location: response.url },
    { fetchedAt: new Date().toISOString(), maxEntries: config.limits.maxEntriesPerFetch, limits: config.limits, sandbox },
  );
}

/**
 * `syndicate normalize <file|url>` prints one input's normalized items as a JSON array (exit 1 with one line on
 * stderr when the input is bad); `syndicate normalize --jsonl <file|url>...` prints one JSON line per input, in
 * order, `{"input", "items"}` or `{"input", "error": {"code", "message"}}`, and exits 0 whatever the inputs held.
 * Needs no Redis. Options are parsed by cli/main.ts; throws `CliUsageError` when the inputs do not fit the mode.
 */
export async function normalizeCommand(positionals: string[], jsonl: boolean): Promise<number> {
  if (positionals.length === 0) throw new CliUsageError(`normalize needs ${jsonl ? 'at least one file or URL' : 'a file or URL'}`);
  if (!jsonl && positionals.length > 1) throw new CliUsageError('normalize takes one file or URL; use --jsonl for several');
  const config = previewConfig();
  const preview: Preview = { config, guard: createNetworkGuard(config), sandbox: sandboxFromConfig({ ...config.limits, sandboxThreads: 1 }) };
  try {
    if (!jsonl) {
      const items = await previewOne(positionals[0]!, preview);
      process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      return 0;
    }
    for (const input of positionals) {
      // One bad input is its own line: it never stops the others.
      const line = await previewOne(input, preview).then(
        (items) => ({ input, items }),
        ({ code, message }: SyndicateError) => ({ input, error: { code, message } }),
      );
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return 0;
  } finally {
    // Kept-alive connections would hold the process open after the last line.
    await Promise.all([preview.guard.dispatcher.destroy(), preview.sandbox.close()]);
  }
}
