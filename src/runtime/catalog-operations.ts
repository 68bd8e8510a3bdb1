import type { z } from 'zod';
import { resolveFileUrl } from '../config/load-config.js';
import {
  channelSchema,
  rulesTestSchema,
  sourceSchema,
  subscriptionSchema,
  type ChannelConfig,
  type ChannelFilter,
  type SourceConfig,
  type StoryRulesConfig,
  type SubscriptionConfig,
} from '../config/schema.js';
import { SyndicateError } from '../core/errors.js';
import { generateSecret, rotateSecret, type RotatableSecret } from '../core/secret-rotation.js';
import type { EndpointState } from '../deliver/endpoint-state.js';
import { mergeProfile, redactSource } from '../fetch/request-profile.js';
import type { SourceStatus } from '../fetch/source-status.js';
import { assertUrlStorable } from '../net/address-guard.js';
import { judgeStory } from '../core/story-rules.js';
import { requestBackfill } from '../publish/backfill.js';
import { matchesChannel } from '../publish/channel-filter.js';
import type { PipelineQueues } from '../queues/queues.js';
import type { AppContext } from './context.js';
import { scheduleSource, unscheduleSource } from '../scheduler/source-scheduler.js';
import { effectiveSubscription } from '../catalog/catalog.js';
import { MAX_TOKENS_PER_SUBSCRIPTION, type ScopedToken } from '../catalog/token-store.js';

/** A source with its fetch status (see fetch/source-status.ts: typed, internals left out). */
export type SourceWithStatus = SourceConfig & { status: SourceStatus };

/** A subscription as shown outside: its effective state, secrets replaced by their count and a short prefix. */
export type PublicSubscription = Omit<SubscriptionConfig, 'secret'> & {
  secret?: undefined;
  secrets: string[];
  disabledAt?: string;
  disabledReason?: string;
  /** The last rotation, and when the older secret stops signing. */
  secretRotation?: { at: string; until: string };
};

/** Validates an entry with its config schema, reporting every problem at once (`SYN_ERR_BAD_REQUEST`). */
export function parseEntry<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new SyndicateError('SYN_ERR_BAD_REQUEST', `invalid body: ${problems.join('; ')}`, { details: problems });
  }
  return parsed.data;
}

/** Secrets never leave: only their count and a short prefix. */
export function redactSubscription(subscription: SubscriptionConfig & { disabledAt?: string; disabledReason?: string }): PublicSubscription {
  const secrets = Array.isArray(subscription.secret) ? subscription.secret : [subscription.secret];
  const { secretRotation, ...rest } = subscription as typeof subscription & RotatableSecret;
  return {
    ...rest,
    secret: undefined,
    secrets: secrets.map((s) => `${s.slice(0, 10)}…`),
    ...(secretRotation ? { secretRotation: { at: secretRotation.at, until: secretRotation.until } } : {}),
  };
}

/** How a source stands, in one word: `disabled`, `gone` (410), `failing` (last fetch failed), `pending` (never fetched) or `ok`. */
export function sourceHealth(source: Pick<SourceWithStatus, 'enabled' | 'status'>): 'ok' | 'failing' | 'gone' | 'disabled' | 'pending' {
  if (!source.enabled) return 'disabled';
  if (source.status.gone) return 'gone';
  if (source.status.errorCode) return 'failing';
  if (!source.status.lastFetchAt) return 'pending';
  return 'ok';
}

/** One stored story as a rules test shows it: kept or not, and the rule (or the filter) that drops it. */
export interface RulesTestStory {
  id: string;
  title: string;
  publishedAt: string;
  kept: boolean;
  because?: string;
}

/** What a rules test answers: the newest stored stories tried, how many are kept, and each story's fate. */
export interface RulesTestResult {
  considered: number;
  kept: number;
  dropped: number;
  stories: RulesTestStory[];
}

/** What the operations touch: the catalog and the stores beside it, the fetch and publish queues, the guard. */
export type CatalogOperationsDeps = Pick<
  AppContext,
  'catalog' | 'sourceStatus' | 'seenEntries' | 'feedSubscriptions' | 'endpoints' | 'items' | 'tokens' | 'guard' | 'clock'
> & {
  queues: Pick<PipelineQueues, 'fetchNow' | 'enqueuePoll' | 'removeLegacySchedule' | 'enqueueBackfill'>;
};

const notFound = (what: string, id: string) => new SyndicateError('SYN_ERR_NOT_FOUND', `no ${what} ${id}`);

/**
 * What an operator can change in the running system, in one place: the admin API and the CLI (talking to Redis
 * directly) both call these, so a source added either way is validated, stored and scheduled the same way.
 * `created` says whether the entry is new (the API answers 201 then).
 */
export class CatalogOperations {
  private readonly endpoints: EndpointState;

  constructor(private readonly ctx: CatalogOperationsDeps) {
    this.endpoints = ctx.endpoints;
  }

  /** Every source with its typed fetch status (one pipeline for all statuses). */
  async listSources(): Promise<SourceWithStatus[]> {
    const sources = await this.ctx.catalog.list('sources');
    const statuses = await this.ctx.sourceStatus.list(sources.map((s) => s.id));
    return sources.map((source, i) => ({ ...redactSource(source), status: statuses[i]! }));
  }

  /** One source with its typed fetch status; `SYN_ERR_NOT_FOUND` when unknown. */
  async getSource(id: string): Promise<SourceWithStatus> {
    const source = await this.ctx.catalog.get('sources', id);
    if (!source) throw notFound('source', id);
    return { ...redactSource(source), status: await this.ctx.sourceStatus.get(source.id) };
  }

  /**
   * Creates or replaces a source (raw input, validated here); its first fetch follows within seconds. Its URL is
   * checked against the private-address guard now (and again at connect time). `file:` URLs read local files: only
   * callers on this machine (the CLI, relative to `baseDir`) may pass `allowFile`; the API never does.
   */
  async putSource(
    raw: unknown,
    { allowFile = false, baseDir = process.cwd() }: { allowFile?: boolean; baseDir?: string } = {},
  ): Promise<{ source: SourceConfig; created: boolean }> {
    // `request: null` removes the profile; none given keeps the stored one (see mergeProfile).
    const given = raw && typeof raw === 'object' ? (raw as { request?: unknown }).request : undefined;
    const source = parseEntry(sourceSchema, given === null ? { ...(raw as object), request: undefined } : raw);
    if (/^file:/i.test(source.url)) {
      if (!allowFile)
        throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'body.url: sources added through the API must be http(s) URLs (file: only in the config file)');
      source.url = resolveFileUrl(source.url, baseDir);
    } else {
      await assertUrlStorable(source.url, this.ctx.guard.allow);
    }
    const stored = await this.ctx.catalog.get('sources', source.id);
    const request = mergeProfile(given === null ? null : source.request, stored?.request);
    if (request) source.request = request;
    else delete source.request;
    await this.ctx.catalog.put('sources', source);
    await scheduleSource(this.ctx, source, this.ctx.clock.now());
    return { source: redactSource(source), created: stored === null };
  }

  /** Removes a source, its pending poll (so polling stops) and its state; `SYN_ERR_NOT_FOUND` when unknown. */
  async removeSource(id: string): Promise<void> {
    if (!(await this.ctx.catalog.remove('sources', id))) throw notFound('source', id);
    await unscheduleSource(this.ctx, id);
    await Promise.all([this.ctx.sourceStatus.forget(id), this.ctx.seenEntries.forget(id), this.ctx.feedSubscriptions.forget(id)]);
  }

  /** Queues a fetch of the source at once (a new chain of polls starts from its outcome). Answers the job id. */
  async fetchNow(id: string): Promise<string> {
    const source = await this.ctx.catalog.get('sources', id);
    if (!source) throw notFound('source', id);
    if (!source.enabled) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `source ${id} is disabled`);
    return this.ctx.queues.fetchNow(id, this.ctx.clock.now());
  }

  /** Every channel as defined (id, title, filter, page size). */
  listChannels(): Promise<ChannelConfig[]> {
    return this.ctx.catalog.list('channels');
  }

  /** Creates or redefines a channel (raw input, validated here) and asks for its backfill with the matching stored stories. */
  async putChannel(raw: unknown): Promise<{ channel: ChannelConfig; created: boolean }> {
    const channel = parseEntry(channelSchema, raw);
    const created = (await this.ctx.catalog.get('channels', channel.id)) === null;
    await this.ctx.catalog.put('channels', channel);
    // After the put, so the backfill and any concurrent publish both see the new filter (see publish/backfill.ts).
    await requestBackfill(this.ctx, channel.id);
    return { channel, created };
  }

  /**
   * Removes a channel with its membership and archive log, and forgets its filing digest, so a channel created
   * again under this id is filed afresh.
   */
  async removeChannel(id: string): Promise<void> {
    if (!(await this.ctx.catalog.remove('channels', id))) throw notFound('channel', id);
    // A channel created again under this id must be filed afresh, even with the same definition.
    await this.ctx.items.removeChannelState(id);
  }

  /** Subscriptions in their effective state: a disable by the deliver stage (410, continuous failure) wins. */
  async listSubscriptions(): Promise<PublicSubscription[]> {
    const disabled = await this.endpoints.disabled();
    return (await this.ctx.catalog.list('subscriptions')).map((s) => redactSubscription(effectiveSubscription(s, disabled[s.id])));
  }

  /** One subscription in its effective state, secrets redacted; `SYN_ERR_NOT_FOUND` when unknown. */
  async getSubscription(id: string): Promise<PublicSubscription> {
    const subscription = await this.ctx.catalog.get('subscriptions', id);
    if (!subscription) throw notFound('subscription', id);
    return redactSubscription(effectiveSubscription(subscription, await this.endpoints.disabledState(subscription.id)));
  }

  /** Creates or replaces a subscription. An explicit `enabled: true` lifts a disable by the deliver stage; leaving it out keeps it. */
  async putSubscription(raw: unknown): Promise<{ subscription: PublicSubscription; created: boolean }> {
    const subscription = parseEntry(subscriptionSchema, raw);
    if (!/^https?:\/\//i.test(subscription.url)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'body.url: a webhook endpoint must be an http(s) URL');
    await assertUrlStorable(subscription.url, this.ctx.guard.allow);
    const created = (await this.ctx.catalog.get('subscriptions', subscription.id)) === null;
    const explicitEnable = (raw as { enabled?: unknown } | null)?.enabled === true;
    const stored = await this.endpoints.putFromApi(subscription, explicitEnable);
    return { subscription: redactSubscription(stored), created };
  }

  /** Removes a subscription (and revokes its consumer tokens); `SYN_ERR_NOT_FOUND` when unknown. */
  async removeSubscription(id: string): Promise<void> {
    if (!(await this.ctx.catalog.remove('subscriptions', id))) throw notFound('subscription', id);
    await this.endpoints.forget(id);
    await this.ctx.tokens.revokeAll(id);
  }

  /**
   * Rotates a subscription's signing secret: a new random secret signs every event from now on, beside the one in
   * use until `overlapMs` from now (both signatures in `webhook-signature`, space-separated), then alone. Answers the
   * new secret (shown this once) and when the old one stops signing.
   */
  async rotateSecret(id: string, overlapMs: number): Promise<{ secret: string; oldSecretUntil: string; subscription: PublicSubscription }> {
    const subscription = await this.ctx.catalog.get('subscriptions', id);
    if (!subscription) throw notFound('subscription', id);
    const fresh = generateSecret();
    const rotated = { ...subscription, ...rotateSecret(subscription as SubscriptionConfig & RotatableSecret, fresh, overlapMs, this.ctx.clock.now()) };
    await this.ctx.catalog.put('subscriptions', rotated as SubscriptionConfig);
    return { secret: fresh, oldSecretUntil: rotated.secretRotation.until, subscription: redactSubscription(rotated as SubscriptionConfig) };
  }

  /** Issues a consumer token scoped to one subscription (shown this once); `SYN_ERR_CONFLICT` when it holds too many. */
  async issueToken(subscriptionId: string, label: string | null, lifetimeMs: number): Promise<{ token: string; listing: ScopedToken }> {
    if (!(await this.ctx.catalog.get('subscriptions', subscriptionId))) throw notFound('subscription', subscriptionId);
    const issued = await this.ctx.tokens.issue(subscriptionId, label, lifetimeMs, this.ctx.clock.now());
    if (!issued)
      throw new SyndicateError('SYN_ERR_CONFLICT', `subscription ${subscriptionId} holds ${MAX_TOKENS_PER_SUBSCRIPTION} tokens already: revoke one first`);
    return issued;
  }

  /** A subscription's live consumer tokens (never the tokens themselves). */
  async listTokens(subscriptionId: string): Promise<ScopedToken[]> {
    if (!(await this.ctx.catalog.get('subscriptions', subscriptionId))) throw notFound('subscription', subscriptionId);
    return this.ctx.tokens.list(subscriptionId);
  }

  /** Revokes one consumer token; `SYN_ERR_NOT_FOUND` when the subscription has no such token. */
  async revokeToken(subscriptionId: string, tokenId: string): Promise<void> {
    if (!(await this.ctx.tokens.revoke(subscriptionId, tokenId))) throw notFound('token', `${tokenId} of subscription ${subscriptionId}`);
  }

  /**
   * Which of the newest stored stories a channel's or subscription's definition, or rules given here, would keep
   * (raw input, validated here): what a channel's backfill would file. Reads nothing but stored stories; changes
   * nothing.
   */
  async testRules(raw: unknown): Promise<RulesTestResult> {
    const test = parseEntry(rulesTestSchema, raw);
    let filter: ChannelFilter | undefined = test.filter;
    let rules: StoryRulesConfig | undefined = test.rules;
    if (test.channel !== undefined) {
      const channel = await this.ctx.catalog.get('channels', test.channel);
      if (!channel) throw notFound('channel', test.channel);
      ({ filter, rules } = channel);
    } else if (test.subscription !== undefined) {
      const subscription = await this.ctx.catalog.get('subscriptions', test.subscription);
      if (!subscription) throw notFound('subscription', test.subscription);
      rules = subscription.rules;
    }
    const stories = await this.ctx.items.latest(test.limit);
    const judged = stories.map((story): RulesTestStory => {
      const base = { id: story.id, title: story.title, publishedAt: story.publishedAt };
      if (filter && !matchesChannel(story, filter)) return { ...base, kept: false, because: 'the channel filter' };
      const verdict = judgeStory(story, rules);
      return verdict.kept ? { ...base, kept: true } : { ...base, kept: false, because: verdict.because };
    });
    const kept = judged.filter((story) => story.kept).length;
    return { considered: judged.length, kept, dropped: judged.length - kept, stories: judged };
  }

  /** Re-enables a subscription (disabled by hand or by the deliver stage). */
  async enableSubscription(id: string): Promise<PublicSubscription> {
    const subscription = await this.endpoints.enable(id);
    if (!subscription) throw notFound('subscription', id);
    return redactSubscription(subscription);
  }
}
