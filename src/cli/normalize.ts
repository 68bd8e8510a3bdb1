import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfigFile, loadEnv, parseConfig } from '../config/load-config.js';
import type { SourceConfig, SyndicationConfig } from '../config/schema.js';
import { fetchFullText } from '../fetch/full-text/fetch-full-text.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { createNetworkGuard, fetchLimits, httpFetch, type NetworkGuard } from '../fetch/http-fetch.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { CliUsageError } from './usage-error.js';

/** What a preview needs, built once for all its inputs: the configuration's limits and private-address guard. */
interface Preview {
  config: SyndicationConfig;
  guard: NetworkGuard;
  /** The configured source the inputs are read as (`--source ID`). */
  source?: SourceConfig;
}

/**
 * The configuration a command that fetches runs under (a preview, an OPML import from a URL): the file the system
 * would load (`SYNDICATE_CONFIG`, else `config/syndication.yaml`), so its `network.allowHosts` and `limits` apply.
 * Outside a checkout, where the default file does not exist, the schema's defaults apply: the strictest guard,
 * nothing private allowed.
 */
export function fetchingConfig(): SyndicationConfig {
  const env = loadEnv();
  if (!process.env.SYNDICATE_CONFIG && !existsSync(env.configPath)) return parseConfig({});
  return loadConfigFile(env.configPath);
}

/** A source's `url` as the system reads it: a relative `file:` URL is relative to the configuration file. */
function configuredUrl(url: string): string {
  if (!/^file:/i.test(url) || /^file:\/\//i.test(url)) return url;
  return pathToFileURL(resolve(dirname(loadEnv().configPath), url.replace(/^file:/i, ''))).href;
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
 * (`fetchLimits`), an error status refused the same way, the same decoding, parser and entry cap.
 */
async function previewOne(input: string, preview: Preview): Promise<NormalizedItem[]> {
  try {
    return await readAndNormalize(locationOf(input), preview);
  } catch (err) {
    // Fetch errors carry their own codes; anything else went wrong reading the document.
    throw toSyndicateError(err, 'SYN_ERR_PARSE_FAILED');
  }
}

async function readAndNormalize(location: string, { config, guard, source }: Preview): Promise<NormalizedItem[]> {
  const response = await httpFetch(location, fetchLimits(config, guard));
  if (response.status >= 300)
    throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${location} answered ${response.status}`, { details: { status: response.status } });
  const clock = { now: () => Date.now() };
  return normalizeDocument(
    { body: response.body, contentType: response.headers['content-type'], location: response.url },
    {
      fetchedAt: new Date().toISOString(),
      maxEntries: config.limits.maxEntriesPerFetch,
      source,
      extractionRules: config.extractionRules,
      // As the fetch worker completes a source's summary-only entries (its fullText setting, its rules), without
      // the shared politeness state that lives in Redis.
      completeEntry: source ? async (entry, rules) => (await fetchFullText({ config, guard, clock }, null, entry, source.fullText, rules)).entry : undefined,
    },
  );
}

/** The configured source `--source` names; a usage error when the configuration has none by that id. */
function configuredSource(config: SyndicationConfig, id: string | undefined): SourceConfig | undefined {
  if (id === undefined) return undefined;
  const source = config.sources.find((s) => s.id === id);
  if (!source) throw new CliUsageError(`no source ${id} in the configuration (${config.sources.map((s) => s.id).join(', ') || 'it has none'})`);
  return source;
}

/**
 * `syndicate normalize <file|url>` prints one input's normalized items as a JSON array (exit 1 with one line on
 * stderr when the input is bad); `syndicate normalize --jsonl <file|url>...` prints one JSON line per input, in
 * order, `{"input", "items"}` or `{"input", "error": {"code", "message"}}`, and exits 0 whatever the inputs held.
 * Needs no Redis. Options are parsed by cli/main.ts; throws `CliUsageError` when the inputs do not fit the mode.
 */
export async function normalizeCommand(positionals: string[], jsonl: boolean, options: { source?: string } = {}): Promise<number> {
  const config = options.source === undefined ? null : fetchingConfig();
  const source = config ? configuredSource(config, options.source) : undefined;
  // With --source and no input, the source's own address is read.
  const inputs = positionals.length === 0 && source ? [configuredUrl(source.url)] : positionals;
  if (inputs.length === 0) throw new CliUsageError(`normalize needs ${jsonl ? 'at least one file or URL' : 'a file or URL'} (or --source ID)`);
  if (!jsonl && inputs.length > 1) throw new CliUsageError('normalize takes one file or URL; use --jsonl for several');
  const loaded = config ?? fetchingConfig();
  const preview: Preview = { config: loaded, guard: createNetworkGuard(loaded), source };
  try {
    if (!jsonl) {
      const items = await previewOne(inputs[0]!, preview);
      process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      return 0;
    }
    for (const input of inputs) {
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
    await preview.guard.dispatcher.destroy();
  }
}
