import { load } from 'cheerio/slim';
import { z } from 'zod';
import { checkLinearPattern } from '../core/linear-pattern.js';
import { EVENT_TYPES } from '../core/item.js';
import { isKnownZone } from '../content/feed-date.js';
import { patternProblem, phraseOf, RULE_FIELD_NAMES } from '../core/story-rules.js';
import { parseDuration } from './duration.js';

/** The id of a source, channel or subscription. */
export const idSchema = z.string().regex(/^[a-z0-9-]+$/, 'must match [a-z0-9-]+');
const id = idSchema;

const duration = (fallback: string) =>
  z
    .union([z.string(), z.number()])
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(value)} (e.g. 90s, 5m, 1h)` });
        return z.NEVER;
      }
      return ms;
    });

const url = z.string().refine((value) => {
  try {
    const { protocol } = new URL(value, 'file:///');
    return ['http:', 'https:', 'file:'].includes(protocol);
  } catch {
    return false;
  }
}, 'must be an http(s) or file: URL');

/** A CSS selector that cheerio (css-select) reads; a broken one is reported when the config loads, not per item. */
const cssSelector = z
  .string()
  .min(1)
  .superRefine((selector, ctx) => {
    try {
      selectorProbe(selector);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid CSS selector: ${(err as Error).message}` });
    }
  });
const selectorProbe = load('<p></p>', null, false);

/**
 * An operator's regular expression that will run over untrusted text: it must compile with the flags it runs with
 * and run in linear time (`checkLinearPattern`), else the config is refused with the reason.
 */
const linearPattern = (flags: string) =>
  z.string().superRefine((pattern, ctx) => {
    const check = checkLinearPattern(pattern, flags);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.reason });
  });

/**
 * Rules for reading a source's articles, beyond the generic extraction: the article's main element, what to take
 * out of it, and where to fetch the article page from. Per source (`sources[].cleanup`) and per domain
 * (`extractionRules`).
 */
export const cleanupRulesSchema = z
  .object({
    /** The article's main element on the page (and in a feed's body): kept instead of the generic pick when it matches. */
    keepSelector: cssSelector.optional().describe("CSS selector of the article's main element, kept instead of the generic pick when it matches"),
    removeSelectors: z.array(cssSelector).optional().describe('CSS selectors of elements removed from the article'),
    /** Regular expressions; a paragraph that one matches entirely is removed (case-insensitive). */
    removePatterns: z
      .array(linearPattern('iu'))
      .optional()
      .describe('regular expressions a paragraph must match whole to be removed (case-insensitive); each must run in linear time'),
    /** Rewrites an article's address before its page is fetched (a print or AMP view): `pattern` replaced by `replacement` (`$1`…). */
    articleUrl: z
      .object({ pattern: linearPattern('u'), replacement: z.string() })
      .strict()
      .optional()
      .describe("rewrites the article's address before its page is fetched (a print or AMP view): pattern (linear-time) replaced by replacement ($1…)"),
  })
  .strict();

/** Reading a site without a feed: where the entries are on its listing page (CSS selectors) or in its JSON (dot paths). */
export const listingSchema = z
  .object({
    /** `html`: a CSS selector of each entry's element; `json`: the dot path of the array of entries ('' for the root). */
    item: z.string().describe("html: a CSS selector per entry; json: the dot path of the entries' array ('' for the root)"),
    /** Within an entry (selector or dot path): its title; html default: the text of its link. */
    title: z.string().min(1).optional().describe("the entry's title (selector or dot path); html default: its link's text; json default: title"),
    /** Its link, the entry's identity; html default: the first `a[href]` (the item itself when it is a link). */
    link: z.string().min(1).optional().describe("the entry's link, its identity; html default: the first a[href]; json default: url"),
    /** Its date (an html element's `datetime` or `content`, else its text). */
    date: z.string().min(1).optional().describe("the entry's date (an element's datetime or content, else its text); html default: time[datetime]"),
    /** Its summary (text). */
    summary: z.string().min(1).optional().describe("the entry's summary (text)"),
  })
  .strict();

/** A header name as HTTP allows it (a token). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not an HTTP header name');
/** A header value: no line breaks (a value with one would smuggle a second header). */
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'must be one line');

/**
 * How a source's requests are made: extra headers, a user agent, HTTP basic auth and cookies. The header values,
 * the password and the cookies are secrets: redacted in the log, the API and the status page, left out of OPML.
 * They go only to the feed's own host and the `hosts` listed here, never across a redirect to another host.
 */
export const requestProfileSchema = z
  .object({
    userAgent: headerValue.min(1).optional(),
    headers: z.record(headerName, headerValue).optional(),
    auth: z
      .object({ username: headerValue.refine((u) => !u.includes(':'), 'must not contain ":"'), password: headerValue })
      .strict()
      .optional(),
    cookies: z.record(z.string().regex(/^[^\s;=,]+$/, 'not a cookie name'), z.string().regex(/^[^\s;,\r\n]*$/, 'not a cookie value')).optional(),
    /** Other hosts the profile is sent to too (article pages on another host), e.g. `www.example.com`. */
    hosts: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((profile, ctx) => {
    for (const name of Object.keys(profile.headers ?? {})) {
      if (/^(?:host|content-length|transfer-encoding|connection|upgrade|te|trailer|keep-alive|if-none-match|if-modified-since|accept-encoding)$/i.test(name)) {
        ctx.addIssue({ code: 'custom', path: ['headers', name], message: `${name} is set by the fetcher itself` });
      }
    }
  });

/** A zone the platform knows: an IANA name (`Europe/Istanbul`) or an offset (`+03:00`). */
const timeZone = z.string().refine(isKnownZone, 'not a time zone (an IANA name such as Europe/Istanbul, or an offset such as +03:00)');

/** A source's fields; {@link sourceSchema} adds the checks across them (the API extends this one for its answers). */
export const sourceObjectSchema = z
  .object({
    id,
    name: z.string().min(1),
    url,
    /** Home page of the outlet; defaults to the feed's own link. */
    homepage: z.string().url().optional(),
    interval: duration('5m'),
    enabled: z.boolean().default(true),
    fullText: z.enum(['auto', 'always', 'never']).default('auto'),
    cleanup: cleanupRulesSchema.optional().describe('extraction rules: keepSelector, removeSelectors, removePatterns, articleUrl'),
    /** What `url` answers: a feed, or a site's listing page (`html`) or JSON (`json`) read with `listing`. */
    format: z
      .enum(['feed', 'html', 'json'])
      .default('feed')
      .describe('what url answers: a feed, or the listing page (html) or JSON (json) of a site without a feed, read with listing (then required)'),
    listing: listingSchema.optional().describe('where the entries of an html or json source are'),
    /** The zone of the source's dates that name none (else UTC). */
    timezone: timeZone.optional().describe('the zone of its dates that name none (IANA name or offset); else UTC'),
    /** How its ambiguous numeric dates (`03/04/2026`) are read; inferred from its own dates when absent. */
    dayOrder: z.enum(['dmy', 'mdy']).optional().describe('how its ambiguous numeric dates are read; inferred from its own dates when absent'),
    request: requestProfileSchema
      .optional()
      .describe('request profile: userAgent, headers, auth, cookies (secrets, redacted in answers), hosts it also goes to'),
  })
  .strict();

export const sourceSchema = sourceObjectSchema.superRefine((source, ctx) => {
  if (source.format !== 'feed' && !source.listing)
    ctx.addIssue({ code: 'custom', path: ['listing'], message: `format ${source.format} needs listing (where the entries are)` });
  if (source.format === 'html' && source.listing) {
    for (const key of ['item', 'title', 'link', 'date', 'summary'] as const) {
      const selector = source.listing[key];
      if (selector === undefined) continue;
      try {
        selectorProbe(selector);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['listing', key], message: `not a valid CSS selector: ${(err as Error).message}` });
      }
    }
  }
});

export const channelFilterSchema = z
  .object({
    kind: z.enum(['interview', 'article']).optional(),
    sources: z.array(id).optional(),
    language: z.string().optional(),
    tags: z.array(z.string()).optional(),
    /** Person ids (`/api/v1/people`): stories whose interviewee is one of them. */
    people: z.array(z.string().min(1).max(64)).optional(),
  })
  .strict();

/** A word or phrase a rule looks for (a trailing `*`: any word starting so). */
const phrase = z
  .string()
  .max(200)
  .refine((text) => phraseOf(text) !== null, 'must contain a letter or digit');
const phrases = z.array(phrase).min(1).max(100);

/** One rule: in these fields (one or several), any (or all) of these words or phrases, matched as whole words. */
export const storyRuleSchema = z
  .object({
    field: z.union([z.enum(RULE_FIELD_NAMES), z.array(z.enum(RULE_FIELD_NAMES)).min(1)]),
    any: phrases.optional(),
    all: phrases.optional(),
    /** A regular expression (`/source/flags`, or a bare source matched with `iu`), accepted only when proven linear. */
    pattern: z
      .string()
      .max(1002)
      .superRefine((pattern, ctx) => {
        const problem = patternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: `the pattern is refused: ${problem}` });
      })
      .optional(),
  })
  .strict()
  .refine((rule) => rule.any !== undefined || rule.all !== undefined || rule.pattern !== undefined, 'give `any`, `all` or `pattern`: what to look for');

/**
 * Include and exclude rules on a story's words (see core/story-rules.ts): a story is kept when it meets all include
 * rules (`match: any`: one of them) and no exclude rule. Matching is by whole words, in linear time.
 */
export const storyRulesSchema = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    include: z.array(storyRuleSchema).max(50).optional(),
    exclude: z.array(storyRuleSchema).max(50).optional(),
  })
  .strict();

export const channelSchema = z
  .object({
    id,
    title: z.string().min(1),
    description: z.string().optional(),
    filter: channelFilterSchema.default({}),
    /** Include/exclude rules on the stories' words, on top of the filter. */
    rules: storyRulesSchema.optional(),
    pageSize: z.number().int().min(1).max(1000).default(50),
  })
  .strict();

/** How an operator makes a webhook secret the schema accepts (named in every refusal). */
export const MAKE_WEBHOOK_SECRET = 'echo "whsec_$(openssl rand -base64 32)"';

/** Bytes a webhook secret's key must decode to: HMAC-SHA256 keys shorter than 24 bytes are guessable, longer than 64 are hashed first. */
export const WEBHOOK_SECRET_BYTES = { min: 24, max: 64 } as const;

/**
 * A Standard Webhooks secret: `whsec_` and the base64 (or base64url) of 24 to 64 random bytes. What is wrong is
 * named with the way to make a good one, since a deployment with a weak secret refuses to start.
 */
export const webhookSecretSchema = z.string().superRefine((secret, ctx) => {
  const fail = (why: string) => ctx.addIssue({ code: 'custom', message: `${why}; make one with: ${MAKE_WEBHOOK_SECRET}` });
  if (!secret.startsWith('whsec_')) return fail('must start with whsec_');
  const key = secret.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(key)) return fail('the part after whsec_ must be base64');
  const bytes = Buffer.from(key, 'base64').length;
  if (bytes < WEBHOOK_SECRET_BYTES.min || bytes > WEBHOOK_SECRET_BYTES.max)
    fail(`the key after whsec_ must decode to ${WEBHOOK_SECRET_BYTES.min}–${WEBHOOK_SECRET_BYTES.max} bytes, this one decodes to ${bytes}`);
});

export const subscriptionSchema = z
  .object({
    id,
    url: z.string().url(),
    /** One secret, or several while rotating: every active secret signs each event. */
    secret: z.union([webhookSecretSchema, z.array(webhookSecretSchema).min(1)]),
    channels: z.array(id).optional(),
    events: z.array(z.enum(EVENT_TYPES)).optional(),
    enabled: z.boolean().default(true),
    /** Deliveries per second to this endpoint, across all workers. */
    rateLimit: z.number().positive().optional(),
    /** Deliveries in flight to this endpoint at once, across all workers (default: `delivery.endpointConcurrency`). */
    maxConcurrency: z.number().int().positive().optional(),
    /** Include/exclude rules on the stories' words: only the events of stories they keep are sent (from the change on). */
    rules: storyRulesSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    sources: z.array(sourceSchema).default([]),
    channels: z.array(channelSchema).default([]),
    subscriptions: z.array(subscriptionSchema).default([]),
    /** Shared extraction rules by domain ("example.com" also covers its subdomains), for every source whose articles live there. */
    extractionRules: z.record(z.string().regex(/^[a-z0-9.-]+$/i, 'must be a domain name'), cleanupRulesSchema).default({}),
    network: z
      .object({
        allowHosts: z.array(z.string()).default([]),
        /**
         * Addresses or CIDRs of the reverse proxies in front of the API: only a request from one of them has its client
         * address taken from `X-Forwarded-For` (per-client limits such as the hub's rate limit key on it).
         */
        trustedProxies: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        fetchTimeout: duration('20s'),
        maxFeedBytes: z
          .number()
          .int()
          .positive()
          .default(10 * 1024 * 1024),
        maxEntriesPerFetch: z.number().int().positive().default(500),
        /**
         * Time the sandbox gives one document (decoding and parsing a feed, reading a page) or one entry's normalizing,
         * from its start in a thread: the thread's CPU time on Linux (wall-clock elsewhere), and at most 10× in wall-clock.
         */
        documentDeadline: duration('2s'),
        /** Time a document may wait for a free sandbox thread: past it, the job fails with SYN_ERR_SANDBOX_BUSY and is retried. */
        sandboxQueueWait: duration('30s'),
        /** Heap each sandbox thread may use (MiB): past it the thread dies and the document is given up. */
        sandboxHeapMb: z.number().int().min(64).default(512),
        /** Sandbox threads per process; default: the machine's cores. */
        sandboxThreads: z.number().int().positive().optional(),
        /** Characters of body HTML kept per item: past it the body is cut at a block boundary and the item says `truncated`. */
        maxItemChars: z
          .number()
          .int()
          .positive()
          .default(512 * 1024),
        /** Requests in flight to one host, across all fetch workers. */
        hostConcurrency: z.number().int().positive().default(2),
        /** Minimum time between two requests to one host, across all fetch workers. */
        hostSpacing: duration('1s'),
        /** Longest poll interval, also the cap of the error backoff. */
        maxInterval: duration('24h'),
        deliveryTimeout: duration('15s'),
        /** How long stories, their channel entries, dedup keys and seen entries are kept (see src/redis/README.md). */
        retention: duration('30d'),
        /** How long a stage's jobs that exhausted their attempts (dead letters) are kept, at most (never past `retention`). */
        failedJobRetention: duration('30d'),
        /** Failed jobs kept per queue at most: the oldest go first. */
        failedJobCap: z.number().int().positive().default(10_000),
        /**
         * Completed jobs of a story's stages (normalize, dedup, publish, the deliver queue's fan-outs) kept per queue
         * for the dashboard, newest first (at most a day). Each holds an entry, item or event (about 10 KB).
         */
        completedJobCap: z.number().int().min(0).default(20),
        /**
         * Entries of one fetched document that travel through normalize, dedup and publish as one job (a longer
         * document is split): fewer queue operations per entry, while an entry that fails goes on alone in a job of its
         * own (its retries, failed set and replay per entry). A crash re-runs at most this many entries of a stage.
         */
        entriesPerJob: z.number().int().min(1).max(500).default(25),
        /**
         * How long a story's job id (normalize, dedup, publish, fan-out) stays taken after its job finished: an add
         * with that id meanwhile (a replay after a crash) is dropped. Longer than the slowest replay: a source's
         * next poll (`maxInterval`) for an entry handed down by a fetch that died before remembering it.
         */
        jobIdWindow: duration('1d'),
        /** How often the retention sweep runs (scheduler role); a quarter of `retention` when that is shorter. */
        sweepInterval: duration('10m'),
        /** Feed variants (`/feeds/x.atom?limit=&filter=…`) whose rendered documents each API process keeps, least recently used dropped first. */
        feedVariants: z.number().int().min(1).max(100_000).default(200),
        shutdownGrace: duration('10s'),
      })
      .strict()
      .prefault({}),
    websub: z
      .object({
        /** Hubs to ping (`hub.mode=publish`) whenever a channel changes, besides the built-in one at /websub. */
        externalHubs: z.array(z.string().url()).default([]),
        /** Our hub's defences against floods: every one bounds work or state an unauthenticated client can cause. */
        hub: z
          .object({
            /** Subscribe and unsubscribe requests per client address per minute, across all API processes. */
            requestsPerMinute: z.number().int().positive().default(30),
            /** Intent verifications in flight at once, per API process; the rest wait in a queue. */
            verificationConcurrency: z.number().int().positive().default(4),
            /** Verifications waiting for a slot, per API process; past it a request is answered 429. */
            maxQueuedVerifications: z.number().int().positive().default(200),
            /** The whole of one verification GET (connect, headers, the body read up to 4 KB). */
            verificationTimeout: duration('10s'),
            /** Verified subscriptions of one topic (one channel's feed in one format). */
            maxSubscriptionsPerTopic: z.number().int().positive().default(1000),
            /** Verified subscriptions whose callback is on one host, all topics together. */
            maxSubscriptionsPerCallbackHost: z.number().int().positive().default(50),
            /** How often the websub role removes subscriptions whose lease ran out. */
            sweepInterval: duration('1m'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({
        /** The queue dashboard (`/admin/queues`) may retry, promote, clean and remove jobs: off unless asked for. */
        queueDashboardWritable: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    events: z
      .object({
        /** Fetches failing in a row after which `source.failing` is raised (once per streak). */
        sourceFailingAfter: z.number().int().min(1).default(5),
        /** How long a retracted story's Atom tombstone (`at:deleted-entry`) stays in its channels' feeds. */
        tombstoneRetention: duration('30d'),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        /** Delays before each retry; the first attempt is immediate. */
        retrySchedule: z.array(duration('5s')).prefault(['5s', '5m', '30m', '2h', '5h', '10h', '10h']),
        jitter: z.number().min(0).max(1).default(0.2),
        /** A subscription failing without a single success for this long is disabled. */
        disableAfter: duration('5d'),
        /** Bodies above this many bytes are sent as a slim event (id, url, title) instead of the full item. */
        maxPayloadBytes: z
          .number()
          .int()
          .positive()
          .default(256 * 1024),
        /** Default per-endpoint concurrency, across all workers. */
        endpointConcurrency: z.number().int().positive().default(8),
        /** Longest `Retry-After` honoured; longer asks are cut to this. */
        maxRetryAfter: duration('1h'),
        /**
         * How long an event's fan-out job waits for first attempts; a delivery still unanswered then is abandoned
         * and handed to its own job (same `webhook-id`), so one slow endpoint never holds the fan-out.
         */
        fanoutBudget: duration('1s'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const key of ['sources', 'channels', 'subscriptions'] as const) {
      const seen = new Set<string>();
      config[key].forEach((entry, index) => {
        if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [key, index, 'id'], message: `duplicate id ${entry.id}` });
        seen.add(entry.id);
      });
    }
    const channelIds = new Set(config.channels.map((c) => c.id));
    config.subscriptions.forEach((sub, index) =>
      sub.channels?.forEach((channel, j) => {
        if (!channelIds.has(channel)) ctx.addIssue({ code: 'custom', path: ['subscriptions', index, 'channels', j], message: `unknown channel ${channel}` });
      }),
    );
  });

export type SyndicationConfig = z.output<typeof configSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
export type CleanupRules = z.output<typeof cleanupRulesSchema>;
export type ListingRules = z.output<typeof listingSchema>;
export type RequestProfile = z.output<typeof requestProfileSchema>;
export type ChannelConfig = z.output<typeof channelSchema>;
export type ChannelFilter = z.output<typeof channelFilterSchema>;
export type SubscriptionConfig = z.output<typeof subscriptionSchema>;
export type StoryRulesConfig = z.output<typeof storyRulesSchema>;

/**
 * What `syndicate rules test` and `POST /api/v1/rules/test` try against the newest stored stories: a stored channel's
 * or subscription's definition, or rules (and a channel filter) given here.
 */
export const rulesTestSchema = z
  .object({
    channel: id.optional().describe('a stored channel: its filter and rules'),
    subscription: id.optional().describe('a stored subscription: its rules'),
    rules: storyRulesSchema.optional().describe('rules to try (include, exclude, match)'),
    filter: channelFilterSchema.optional().describe('a channel filter to try with them (kind, sources, language, tags)'),
    limit: z.number().int().min(1).max(5000).default(200).describe('how many of the newest stored stories to try (default 200)'),
  })
  .strict()
  .refine(
    (test) => [test.channel, test.subscription, test.rules ?? test.filter].filter((given) => given !== undefined).length === 1,
    'give one of: channel, subscription, or rules (with or without filter)',
  );
