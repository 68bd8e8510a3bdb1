import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { sourceHealth } from '../runtime/catalog-operations.js';
import { parseOpml, profileNote, profilesLeftOut, renderOpml } from '../catalog/opml.js';
import { parseDuration } from '../config/duration.js';
import { SyndicateError } from '../core/errors.js';
import { decodeText } from '../content/decode-text.js';
import { createInterface } from 'node:readline/promises';
import type { FeedCandidate } from '../content/feed-discovery.js';
import { discoverFeed, isHtmlPage, type Discovery } from '../fetch/discover-feed.js';
import { fetchLimits, httpFetch } from '../fetch/http-fetch.js';
import { createNetworkGuard } from '../net/network-guard.js';
import { fetchingConfig } from './normalize.js';
import { documentCaps } from '../content/caps.js';
import { sandboxFromConfig } from '../sandbox/sandbox.js';
import { withBackend, withCommon, type CommonOptions } from './common-options.js';
import { print, printList, ProgressBar, renderTable } from './output.js';

/** A comma-separated option as a list, blanks dropped. */
export const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const when = (iso: string | null) => (iso ? iso.replace(/\.\d{3}Z$/, 'Z') : '-');

/** The status's fields as table rows, groups flattened (`totals.fetches`); what has not happened yet (null) left out. */
function statusRows(value: object, prefix = ''): string[][] {
  return Object.entries(value).flatMap(([key, v]: [string, unknown]) => {
    if (v === null || v === undefined) return [];
    if (typeof v === 'object') return statusRows(v, `${prefix}${key}.`);
    return [[`${prefix}${key}`, String(v)]];
  });
}

/**
 * Reads a local file or fetches a URL (OPML files are small: 5 MiB at most) through the private-address guard of
 * the configuration, as the fetch worker would.
 */
async function readInput(target: string): Promise<string> {
  if (/^https?:/i.test(target)) {
    const guard = createNetworkGuard(fetchingConfig());
    const response = await httpFetch(target, { timeoutMs: 20_000, maxBytes: 5 * 1024 * 1024, guard });
    if (response.status >= 400) throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${target} answered ${response.status}`);
    return decodeText(response.body, response.headers['content-type']);
  }
  try {
    return await readFile(target.startsWith('file:') ? new URL(target) : resolve(target), 'utf8');
  } catch (err) {
    throw new SyndicateError('SYN_ERR_UNSUPPORTED_INPUT', `cannot read ${target}: ${(err as Error).message}`);
  }
}

/**
 * What `sources add` finds at a URL: null for a feed (or an address that does not answer: the fetch stage will say
 * why), the discovery for a home page. Through the config's guard and limits, as the fetch stage reads it.
 */
async function discoverForAdd(url: string): Promise<Discovery | null> {
  const config = fetchingConfig();
  const guard = createNetworkGuard(config);
  const sandbox = sandboxFromConfig({ ...config.limits, sandboxThreads: 1 });
  try {
    const get = (target: string) => httpFetch(target, fetchLimits(config, guard));
    const page = await get(url).catch(() => null);
    if (!page || page.status !== 200 || !isHtmlPage(page)) return null;
    return await discoverFeed(page, get, { sandbox, caps: documentCaps(config.limits) });
  } finally {
    await Promise.all([guard.dispatcher.destroy(), sandbox.close()]);
  }
}

/** The candidate the operator picks: `--pick n`, else asked on a terminal when there are several, else the first. */
async function pickCandidate(discovery: Discovery, pick: number | undefined, json: boolean): Promise<FeedCandidate> {
  const { candidates } = discovery;
  const first = candidates.indexOf(discovery.feed);
  if (!json) {
    process.stdout.write(`${discovery.page} is a home page; the feeds it names:\n`);
    candidates.forEach((c, i) => process.stdout.write(`  ${i + 1}. ${c.url} (${c.type}${c.title ? `, ${c.title}` : ''})${i === first ? ' [default]' : ''}\n`));
  }
  if (pick !== undefined) {
    if (!Number.isInteger(pick) || pick < 1 || pick > candidates.length)
      throw new SyndicateError('SYN_ERR_BAD_REQUEST', `--pick ${pick}: the page names ${candidates.length} feed(s); pick 1 to ${candidates.length}`);
    return candidates[pick - 1]!;
  }
  if (candidates.length > 1 && process.stdin.isTTY && process.stdout.isTTY) {
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = await prompt.question(`which one? [${first + 1}] `);
      const n = answer.trim() ? Number.parseInt(answer.trim(), 10) : first + 1;
      if (Number.isInteger(n) && n >= 1 && n <= candidates.length) return candidates[n - 1]!;
      throw new SyndicateError('SYN_ERR_BAD_REQUEST', `${answer.trim()}: pick 1 to ${candidates.length}`);
    } finally {
      prompt.close();
    }
  }
  return discovery.feed;
}

/** `sources list|add|remove|status|fetch-now`. */
// eslint-disable-next-line max-lines-per-function -- command table: one sub-command per entry, each a call into the backend
export function sourcesCommand(): Command {
  const sources = new Command('sources').description('list, add, remove, inspect and fetch sources (feeds)');
  withCommon(sources.command('list').description('every source with its health, last fetch and next poll')).action(async (o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const all = await backend.listSources();
      printList(o.json ?? false, 'sources', all, 'no sources', ['ID', 'HEALTH', 'LAST FETCH', 'NEXT POLL', 'ERROR', 'URL'], (s) => [
        s.id,
        sourceHealth(s),
        when(s.status.lastFetchAt),
        when(s.status.nextFetchAt),
        s.status.errorCode ?? '-',
        s.url,
      ]);
    }),
  );
  withCommon(
    sources
      .command('add')
      .description('add (or replace) a source; its first fetch follows within seconds')
      .argument('<id>', 'source id: lowercase letters, digits and dashes')
      .argument('<url>', 'feed URL (http, https, or file:)')
      .option('--name <name>', 'display name (default: the id)')
      .option('--interval <duration>', 'base polling interval, e.g. 90s, 5m, 1h', '5m')
      .option('--homepage <url>', "the outlet's home page")
      .addOption(new Option('--full-text <mode>', 'fetch article pages').choices(['auto', 'always', 'never']).default('auto'))
      .option('--disabled', 'add it without polling it')
      .option('--pick <n>', 'when the URL is a home page naming several feeds: take the n-th (1 = the first; asked on a terminal otherwise)', (v) =>
        Number.parseInt(v, 10),
      ),
  ).action(
    async (
      id: string,
      url: string,
      o: CommonOptions & { name?: string; interval: string; homepage?: string; fullText: string; disabled?: boolean; pick?: number },
    ) =>
      withBackend(o, async (backend) => {
        // A home page: its feeds are shown and one is picked (the fetch stage would take the first).
        const discovery = /^https?:/i.test(url) ? await discoverForAdd(url) : null;
        const feed = discovery ? await pickCandidate(discovery, o.pick, o.json ?? false) : null;
        const raw = {
          id,
          name: o.name ?? id,
          url: feed?.url ?? url,
          interval: o.interval,
          fullText: o.fullText,
          enabled: !o.disabled,
          ...(o.homepage ? { homepage: o.homepage } : discovery ? { homepage: discovery.page } : {}),
        };
        const { source, created } = await backend.putSource(raw);
        print(
          o.json ?? false,
          { source, created, ...(discovery ? { discovery } : {}) },
          () => `${created ? 'added' : 'replaced'} source ${source.id} (${source.url})\n`,
        );
      }),
  );
  withCommon(sources.command('remove').description('remove a source (polling stops)').argument('<id>', 'source id')).action(
    async (id: string, o: CommonOptions) =>
      withBackend(o, async (backend) => {
        await backend.removeSource(id);
        print(o.json ?? false, { removed: id }, () => `removed source ${id}\n`);
      }),
  );
  withCommon(sources.command('status').description("one source's definition and fetch status").argument('<id>', 'source id')).action(
    async (id: string, o: CommonOptions) =>
      withBackend(o, async (backend) => {
        const source = await backend.getSource(id);
        print(o.json ?? false, { source }, () => {
          const { status, ...definition } = source;
          const rows = [
            ['health', sourceHealth(source)],
            ...Object.entries(definition).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
            ...statusRows(status),
          ];
          return renderTable(['FIELD', 'VALUE'], rows);
        });
      }),
  );
  withCommon(sources.command('fetch-now').description('fetch a source at once (its polling restarts from there)').argument('<id>', 'source id')).action(
    async (id: string, o: CommonOptions) =>
      withBackend(o, async (backend) => {
        const job = await backend.fetchNow(id);
        print(o.json ?? false, { queued: job }, () => `queued fetch of ${id} (job ${job})\n`);
      }),
  );
  return sources;
}

/** `channels list|add|remove`. */
export function channelsCommand(): Command {
  const channels = new Command('channels').description('list, add and remove republished channels (/feeds/{id}.rss|.atom|.json)');
  withCommon(channels.command('list').description('every channel with its filter')).action(async (o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const all = await backend.listChannels();
      printList(o.json ?? false, 'channels', all, 'no channels', ['ID', 'TITLE', 'FILTER'], (c) => [c.id, c.title, JSON.stringify(c.filter)]);
    }),
  );
  withCommon(
    channels
      .command('add')
      .description('add (or redefine) a channel; matching stored stories are filed in it')
      .argument('<id>', 'channel id')
      .requiredOption('--title <title>', 'feed title')
      .option('--description <text>', 'feed description')
      .addOption(new Option('--kind <kind>', 'only this kind of story').choices(['interview', 'article']))
      .option('--sources <ids>', 'only these sources (comma-separated ids)', list)
      .option('--language <code>', 'only this language, e.g. en')
      .option('--people <ids>', 'only interviews with these people (comma-separated person ids, see `people list`)', list)
      .option('--page-size <n>', 'entries per feed document', (v) => Number.parseInt(v, 10)),
  ).action(
    async (
      id: string,
      o: CommonOptions & { title: string; description?: string; kind?: string; sources?: string[]; language?: string; people?: string[]; pageSize?: number },
    ) =>
      withBackend(o, async (backend) => {
        const filter = {
          ...(o.kind ? { kind: o.kind } : {}),
          ...(o.sources ? { sources: o.sources } : {}),
          ...(o.language ? { language: o.language } : {}),
          ...(o.people ? { people: o.people } : {}),
        };
        const raw = {
          id,
          title: o.title,
          filter,
          ...(o.description ? { description: o.description } : {}),
          ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}),
        };
        const { channel, created } = await backend.putChannel(raw);
        print(o.json ?? false, { channel, created }, () => `${created ? 'added' : 'redefined'} channel ${channel.id}\n`);
      }),
  );
  withCommon(channels.command('remove').description('remove a channel').argument('<id>', 'channel id')).action(async (id: string, o: CommonOptions) =>
    withBackend(o, async (backend) => {
      await backend.removeChannel(id);
      print(o.json ?? false, { removed: id }, () => `removed channel ${id}\n`);
    }),
  );
  return channels;
}

/** `subscriptions list|add|remove|enable`. */
// eslint-disable-next-line max-lines-per-function -- command table: one sub-command per entry, each a call into the backend
export function subscriptionsCommand(): Command {
  const subscriptions = new Command('subscriptions').description('list, add, remove and re-enable webhook subscriptions');
  withCommon(subscriptions.command('list').description('every subscription with its state (secrets are never shown)')).action(async (o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const all = await backend.listSubscriptions();
      printList(o.json ?? false, 'subscriptions', all, 'no subscriptions', ['ID', 'STATE', 'CHANNELS', 'EVENTS', 'URL'], (s) => [
        s.id,
        s.enabled ? 'enabled' : `disabled${s.disabledReason ? ` (${s.disabledReason})` : ''}`,
        s.channels?.join(',') ?? 'all',
        s.events?.join(',') ?? 'all',
        s.url,
      ]);
    }),
  );
  withCommon(
    subscriptions
      .command('add')
      .description('add (or replace) a webhook subscription')
      .argument('<id>', 'subscription id')
      .argument('<url>', 'endpoint URL')
      .requiredOption('--secret <whsec>', 'signing secret (whsec_…); repeat while rotating', (v: string, all: string[] = []) => [...all, v])
      .option('--channels <ids>', 'only these channels (comma-separated)', list)
      .option('--events <types>', 'only these events (item.published, item.updated, item.source_added)', list)
      .option('--rate-limit <perSecond>', 'deliveries per second at most', Number)
      .option('--disabled', 'add it disabled'),
  ).action(
    async (id: string, url: string, o: CommonOptions & { secret: string[]; channels?: string[]; events?: string[]; rateLimit?: number; disabled?: boolean }) =>
      withBackend(o, async (backend) => {
        const raw = {
          id,
          url,
          secret: o.secret.length === 1 ? o.secret[0] : o.secret,
          enabled: !o.disabled,
          ...(o.channels ? { channels: o.channels } : {}),
          ...(o.events ? { events: o.events } : {}),
          ...(o.rateLimit !== undefined ? { rateLimit: o.rateLimit } : {}),
        };
        const { subscription, created } = await backend.putSubscription(raw);
        print(o.json ?? false, { subscription, created }, () => `${created ? 'added' : 'replaced'} subscription ${subscription.id} (${subscription.url})\n`);
      }),
  );
  withCommon(subscriptions.command('remove').description('remove a subscription').argument('<id>', 'subscription id')).action(
    async (id: string, o: CommonOptions) =>
      withBackend(o, async (backend) => {
        await backend.removeSubscription(id);
        print(o.json ?? false, { removed: id }, () => `removed subscription ${id}\n`);
      }),
  );
  withCommon(
    subscriptions
      .command('enable')
      .description('re-enable a subscription (e.g. one disabled after 410 or continuous failure)')
      .argument('<id>', 'subscription id'),
  ).action(async (id: string, o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const subscription = await backend.enableSubscription(id);
      print(o.json ?? false, { subscription }, () => `enabled subscription ${subscription.id}\n`);
    }),
  );
  const tokens = subscriptions
    .command('tokens')
    .description('consumer tokens scoped to one subscription (its delivery log, dead letters, test send, secret rotation)');
  withCommon(
    tokens
      .command('issue')
      .description('issue a token for a subscription (printed once; stored hashed)')
      .argument('<subscription>', 'subscription id')
      .option('--label <text>', 'who the token is for')
      .option('--expires-in <duration>', 'lifetime (e.g. 30d; default 90d, at most 366d)', '90d'),
  ).action(async (id: string, o: CommonOptions & { label?: string; expiresIn: string }, command: Command) => {
    const lifetime = parseDuration(o.expiresIn);
    // Misuse: one line and this command's usage, exit 2 (as commander does for its own checks).
    if (lifetime === null) command.error(`--expires-in: not a duration: ${o.expiresIn}`, { exitCode: 2, code: 'syndicate.usage' });
    await withBackend(o, async (backend) => {
      const issued = await backend.issueToken(id, o.label ?? null, lifetime);
      print(
        o.json ?? false,
        issued,
        () => `${issued.token}\n(token ${issued.listing.id} for subscription ${id}, expires ${when(issued.listing.expiresAt)}; shown once)\n`,
      );
    });
  });
  withCommon(
    tokens.command('list').description("a subscription's live tokens (never the tokens themselves)").argument('<subscription>', 'subscription id'),
  ).action(async (id: string, o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const all = await backend.listTokens(id);
      printList(o.json ?? false, 'tokens', all, 'no tokens', ['ID', 'LABEL', 'CREATED', 'EXPIRES'], (t) => [
        t.id,
        t.label ?? '-',
        when(t.createdAt),
        when(t.expiresAt),
      ]);
    }),
  );
  withCommon(
    tokens.command('revoke').description('revoke a token (effective at once)').argument('<subscription>', 'subscription id').argument('<token-id>', 'token id'),
  ).action(async (id: string, tokenId: string, o: CommonOptions) =>
    withBackend(o, async (backend) => {
      await backend.revokeToken(id, tokenId);
      print(o.json ?? false, { revoked: tokenId }, () => `revoked token ${tokenId} of subscription ${id}\n`);
    }),
  );
  return subscriptions;
}

/** `items delete`: an operator's retraction of a story. */
export function itemsCommand(): Command {
  const items = new Command('items').description('stored stories');
  withCommon(
    items
      .command('delete')
      .description('retract a story: it leaves every channel (Atom feeds carry a tombstone), subscriptions get item.deleted')
      .argument('<id>', 'story id'),
  ).action(async (id: string, o: CommonOptions) =>
    withBackend(o, async (backend) => {
      const deleted = await backend.deleteItem(id);
      print(
        o.json ?? false,
        { deleted },
        () => `deleted story ${deleted.id} (${deleted.title}); left ${deleted.channels.length ? deleted.channels.join(', ') : 'no channel'}\n`,
      );
    }),
  );
  return items;
}

/** `import-opml FILE|URL`: every feed of an OPML file (nested folders too) becomes a source. */
export function importOpmlCommand(): Command {
  return withCommon(
    new Command('import-opml')
      .description('add every feed of an OPML file or URL as a source (folders are flattened); a source already known by URL keeps its id')
      .argument('<file|url>', 'OPML file path or http(s) URL')
      .option('--interval <duration>', 'polling interval for feeds whose outline does not say (default: 5m)')
      .option('--progress', 'draw the progress bar even when stderr is not a terminal')
      .option('--dry-run', 'show what would be added, change nothing'),
  ).action(async (target: string, o: CommonOptions & { interval?: string; progress?: boolean; dryRun?: boolean }) => {
    const text = await readInput(target);
    await withBackend(o, async (backend) => {
      const existing = await backend.listSources();
      const feeds = parseOpml(text, existing);
      const byUrl = new Map(existing.map(({ status: _status, ...source }) => [source.url, source]));
      const bar = new ProgressBar(feeds.length, process.stderr, !o.json && (o.progress ?? Boolean(process.stderr.isTTY)));
      const results: Array<{ id: string; url: string; outcome: 'added' | 'replaced' | 'failed' | 'would add'; error?: string }> = [];
      bar.update(0);
      for (const [i, feed] of feeds.entries()) {
        const { folder: _folder, ...raw } = feed;
        try {
          // An OPML file comes from elsewhere: it may name feeds on the web, never files of this machine.
          if (!/^https?:\/\//i.test(feed.url)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'OPML feeds must be http(s) URLs');
          if (o.dryRun) results.push({ id: feed.id, url: feed.url, outcome: 'would add' });
          else {
            // A feed already known keeps what the outline does not say (its interval, cleanup rules, …).
            const known = byUrl.get(feed.url);
            const { created } = await backend.putSource({ ...known, ...raw, interval: raw.interval ?? o.interval ?? known?.interval ?? '5m' });
            results.push({ id: feed.id, url: feed.url, outcome: created ? 'added' : 'replaced' });
          }
        } catch (err) {
          // One bad outline (say, a javascript: URL) never stops the rest of the import.
          results.push({ id: feed.id, url: feed.url, outcome: 'failed', error: (err as Error).message });
        }
        bar.update(i + 1, feed.id);
      }
      bar.done();
      const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
      print(o.json ?? false, { sources: results }, () => {
        const failed = results.filter((r) => r.outcome === 'failed').map((r) => `  failed ${r.id} (${r.url}): ${r.error}\n`);
        return `${o.dryRun ? `${count('would add')} feeds would be imported` : `imported ${feeds.length} feeds: ${count('added')} added, ${count('replaced')} replaced, ${count('failed')} failed`}\n${failed.join('')}`;
      });
      if (count('failed')) process.exitCode = 1;
    });
  });
}

/** `export-opml`: the sources as OPML 2.0 (stdout, or a file). */
export function exportOpmlCommand(): Command {
  return withCommon(
    new Command('export-opml')
      .description('print every source as OPML 2.0 (imports back unchanged, and into any feed reader)')
      .option('-o, --output <file>', 'write to this file instead of stdout'),
  ).action(async (o: CommonOptions & { output?: string }) =>
    withBackend(o, async (backend) => {
      const sources = await backend.listSources();
      const opml = renderOpml(sources);
      // The profiles' secrets never leave the system: the operator is told which sources need them set again.
      const leftOut = profilesLeftOut(sources);
      if (leftOut.length) process.stderr.write(`syndicate: ${profileNote(leftOut)}\n`);
      if (o.output) {
        await writeFile(o.output, opml);
        print(o.json ?? false, { written: o.output }, () => `wrote ${o.output}\n`);
      } else print(o.json ?? false, { opml }, () => opml);
    }),
  );
}
