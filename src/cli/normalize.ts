import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfigFile, loadEnv, parseConfig } from '../config/load-config.js';
import { sourceSchema, type SourceConfig, type SyndicationConfig } from '../config/schema.js';
import { fetchFullText } from '../fetch/full-text/fetch-full-text.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { fetchLimits, httpFetch } from '../fetch/http-fetch.js';
import { createNetworkGuard, type NetworkGuard } from '../net/network-guard.js';
import { credentialsOf } from '../fetch/request-profile.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { sandboxFromConfig, type Sandbox } from '../sandbox/sandbox.js';
import { CliUsageError } from './usage-error.js';

/** What a preview needs, built once for all its inputs: the configuration's limits, private-address guard and sandbox. */
interface Preview {
  config: SyndicationConfig;
  guard: NetworkGuard;
  sandbox: Sandbox;
  /** The source it previews as (`--source`, or the flags): its request profile and how it writes dates. */
  source?: SourceConfig;
}

/** What `normalize` takes besides its inputs: a source of the config to preview as, or its settings as flags. */
export interface PreviewOptions {
  jsonl: boolean;
  source?: string;
  header?: string[];
  userAgent?: string;
  user?: string;
  cookie?: string[];
  timezone?: string;
  dayOrder?: string;
}

/**
 * The source a preview runs as: the config's `--source ID` (its URL when no input is given), with the flags on top
 * (`--header 'Name: value'`, `--user-agent`, `--user name:password`, `--cookie name=value`, `--timezone`,
 * `--day-order`), validated like the config file. Undefined when nothing was asked.
 */
function previewSource(config: SyndicationConfig, options: PreviewOptions, firstInput: string | undefined): Preview['source'] {
  const base = options.source ? config.sources.find((s) => s.id === options.source) : undefined;
  if (options.source && !base) throw new CliUsageError(`no source ${options.source} in the config`);
  const flags = options.header?.length || options.userAgent || options.user || options.cookie?.length || options.timezone || options.dayOrder;
  if (!base && !flags) return undefined;
  const request: Record<string, unknown> = { ...base?.request };
  for (const line of options.header ?? []) {
    const colon = line.indexOf(':');
    if (colon < 1) throw new CliUsageError(`--header ${JSON.stringify(line)}: expected 'Name: value'`);
    request.headers = { ...(request.headers as object), [line.slice(0, colon).trim()]: line.slice(colon + 1).trim() };
  }
  if (options.userAgent) request.userAgent = options.userAgent;
  if (options.user) {
    const colon = options.user.indexOf(':');
    if (colon < 1) throw new CliUsageError('--user: expected name:password');
    request.auth = { username: options.user.slice(0, colon), password: options.user.slice(colon + 1) };
  }
  for (const pair of options.cookie ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new CliUsageError(`--cookie ${JSON.stringify(pair)}: expected name=value`);
    request.cookies = { ...(request.cookies as object), [pair.slice(0, eq)]: pair.slice(eq + 1) };
  }
  const raw = {
    // The configured source whole (its format, listing, extraction rules, full text), the flags on top.
    ...base,
    id: base?.id ?? 'preview',
    name: base?.name ?? 'preview',
    url: firstInput && /^https?:/i.test(firstInput) ? firstInput : base ? configuredUrl(base.url) : 'http://preview.invalid/',
    ...(Object.keys(request).length ? { request } : {}),
    ...(options.timezone ? { timezone: options.timezone } : base?.timezone ? { timezone: base.timezone } : {}),
    ...(options.dayOrder ? { dayOrder: options.dayOrder } : base?.dayOrder ? { dayOrder: base.dayOrder } : {}),
  };
  const parsed = sourceSchema.safeParse(raw);
  if (!parsed.success) throw new CliUsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
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

async function readAndNormalize(location: string, { config, guard, sandbox, source }: Preview): Promise<NormalizedItem[]> {
  // The profile goes where the fetch worker sends it: the source's own host (here, the input's) and those it names.
  const credentials = source ? credentialsOf({ ...source, url: /^https?:/i.test(location) ? location : source.url }) : undefined;
  const response = await httpFetch(location, { ...fetchLimits(config, guard), credentials });
  if (response.status >= 300)
    throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${location} answered ${response.status}`, { details: { status: response.status } });
  const clock = { now: () => Date.now() };
  return normalizeDocument(
    { body: response.body, contentType: response.headers['content-type'], location: response.url },
    {
      fetchedAt: new Date().toISOString(),
      maxEntries: config.limits.maxEntriesPerFetch,
      limits: config.limits,
      sandbox,
      source,
      extractionRules: config.extractionRules,
      // As the fetch worker completes a source's summary-only entries (its fullText setting, its rules), without
      // the shared politeness state that lives in Redis.
      fullText: source?.fullText,
      completeEntry: source
        ? async (entry, rules, decision) => (await fetchFullText({ config, guard, clock, sandbox }, null, entry, decision, credentials, rules)).entry
        : undefined,
      dates: { zone: source?.timezone, dayOrder: source?.dayOrder },
    },
  );
}

/**
 * `syndicate normalize <file|url>` prints one input's normalized items as a JSON array (exit 1 with one line on
 * stderr when the input is bad); `syndicate normalize --jsonl <file|url>...` prints one JSON line per input, in
 * order, `{"input", "items"}` or `{"input", "error": {"code", "message"}}`, and exits 0 whatever the inputs held.
 * Needs no Redis. Options are parsed by cli/main.ts; throws `CliUsageError` when the inputs do not fit the mode.
 */
export async function normalizeCommand(inputs: string[], options: PreviewOptions): Promise<number> {
  const { jsonl } = options;
  const config = fetchingConfig();
  const source = previewSource(config, options, inputs[0]);
  // `--source ID` alone previews that source's own URL.
  const positionals = inputs.length === 0 && options.source && source ? [source.url] : inputs;
  if (positionals.length === 0) throw new CliUsageError(`normalize needs ${jsonl ? 'at least one file or URL' : 'a file or URL'}`);
  if (!jsonl && positionals.length > 1) throw new CliUsageError('normalize takes one file or URL; use --jsonl for several');
  const preview: Preview = { config, guard: createNetworkGuard(config), sandbox: sandboxFromConfig({ ...config.limits, sandboxThreads: 1 }), source };
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
