import { existsSync } from 'node:fs';
import type { ChannelConfig, SourceConfig } from '../config/schema.js';
import { loadConfigFile, loadEnv, parseConfig } from '../config/load-config.js';
import { CatalogOperations, type PublicSubscription, type RulesTestResult, type SourceWithStatus } from '../runtime/catalog-operations.js';
import type { ScopedToken } from '../catalog/token-store.js';
import type { RetractedItem } from '../core/item.js';
import { deleteStoryById } from '../publish/retract.js';
import { ERROR_CATALOGUE, SyndicateError, type ErrorCode } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { describeDeadLetter, listDeadLetters, replayDeadLetter, replayDeadLetters, type DeadLetter } from '../deliver/dead-letters.js';
import { describeFailedJob, failedWithin, listFailedJobs, replayFailedJob, replayFailedJobs, type FailedJob } from '../queues/failed-jobs.js';
import { PeopleOperations } from '../people/operations.js';
import type { PersonRecord, PersonSummary } from '../people/people-store.js';
import { waitReady } from '../redis/connection.js';
import { closeContext, createContext, type AppContext } from '../runtime/context.js';

/**
 * What the CLI's catalog commands need from the running system. Two ways to reach it: Redis directly (same
 * machine or network, no token: the same `CatalogOperations` the API runs) or the admin API (`--url`, token).
 */
export interface CatalogBackend {
  listSources(): Promise<SourceWithStatus[]>;
  getSource(id: string): Promise<SourceWithStatus>;
  putSource(raw: unknown): Promise<{ source: SourceConfig; created: boolean }>;
  removeSource(id: string): Promise<void>;
  fetchNow(id: string): Promise<string>;
  listChannels(): Promise<ChannelConfig[]>;
  putChannel(raw: unknown): Promise<{ channel: ChannelConfig; created: boolean }>;
  removeChannel(id: string): Promise<void>;
  listSubscriptions(): Promise<PublicSubscription[]>;
  putSubscription(raw: unknown): Promise<{ subscription: PublicSubscription; created: boolean }>;
  removeSubscription(id: string): Promise<void>;
  enableSubscription(id: string): Promise<PublicSubscription>;
  /** Which of the newest stored stories a channel's, a subscription's or the given rules would keep. */
  testRules(raw: unknown): Promise<RulesTestResult>;
  /** Failed jobs of a queue, newest first (deliver: the dead letters, per subscription if asked). */
  failedJobs(queue: JobQueue, filter: FailedFilter, limit: number): Promise<FailedJobView[]>;
  /** Puts failed jobs back to run: one by id, or every one in a time range; answers those replayed. */
  replayJobs(queue: JobQueue, which: { job: string } | FailedFilter): Promise<FailedJobView[]>;
  /** Retracts a story (an operator's deletion): it leaves every channel, subscriptions get `item.deleted`. */
  deleteItem(id: string): Promise<RetractedItem & { channels: string[] }>;
  issueToken(subscriptionId: string, label: string | null, lifetimeMs: number): Promise<{ token: string; listing: ScopedToken }>;
  listTokens(subscriptionId: string): Promise<ScopedToken[]>;
  revokeToken(subscriptionId: string, tokenId: string): Promise<void>;
  /** People across scripts (see src/people): list, one, merge, split. */
  listPeople(limit: number): Promise<PersonSummary[]>;
  getPerson(id: string): Promise<PersonRecord>;
  mergePeople(into: string, from: string[]): Promise<PersonRecord>;
  splitPerson(id: string, names: string[]): Promise<{ person: PersonRecord; newPerson: PersonRecord }>;
  close(): Promise<void>;
}

/** The queues whose failed jobs an operator can list and replay. */
export const JOB_QUEUES = ['normalize', 'dedup', 'publish', 'deliver'] as const;
export type JobQueue = (typeof JOB_QUEUES)[number];
/** A failed job as the API shows it: a dead letter for deliver, else the stage job. */
export type FailedJobView = FailedJob | DeadLetter;
/** Which failed jobs: failure time range (epoch ms, inclusive) and, for deliver, one subscription. */
export interface FailedFilter {
  from?: number;
  to?: number;
  subscription?: string;
}

/** How a command reaches the system: `--url`/`--token` pick the API, else Redis from `REDIS_URL`. */
export interface RemoteOptions {
  url?: string;
  token?: string;
}

/** Opens the backend the options ask for. */
export async function openBackend(options: RemoteOptions): Promise<CatalogBackend> {
  return options.url ? new ApiBackend(options.url, options.token ?? process.env.ADMIN_TOKEN) : openRedisBackend();
}

/**
 * Talks to Redis the way the running processes do (same env, key prefix and config). Never starts a Redis: a CLI
 * that cannot reach the system says so in one line.
 */
async function openRedisBackend(): Promise<CatalogBackend> {
  const env = loadEnv();
  // The config file gives limits and delivery settings; the catalog itself lives in Redis.
  const config = existsSync(env.configPath) ? loadConfigFile(env.configPath) : parseConfig({});
  const logger = createLogger('fatal', { destination: process.stderr, secrets: [env.adminToken] });
  const ctx = createContext(env, config, logger);
  const close = () => closeContext(ctx);
  try {
    await waitReady(ctx.redis, 3_000);
  } catch {
    await close();
    throw new SyndicateError(
      'SYN_ERR_REDIS_UNAVAILABLE',
      `no Redis answers at ${env.redisUrl} (set REDIS_URL, or use --url and --token to go through the API)`,
    );
  }
  return new RedisBackend(ctx, close);
}

/** The operations the API runs, on this process's own connection. */
class RedisBackend extends CatalogOperations implements CatalogBackend {
  constructor(
    private readonly system: AppContext,
    readonly close: () => Promise<void>,
  ) {
    super(system);
  }

  async failedJobs(queue: JobQueue, filter: FailedFilter, limit: number): Promise<FailedJobView[]> {
    if (queue === 'deliver') return (await listDeadLetters(this.system.queues, filter, limit)).map(describeDeadLetter);
    return (await listFailedJobs(this.stageQueue(queue), (job) => failedWithin(job, filter), limit)).map(describeFailedJob);
  }

  async replayJobs(queue: JobQueue, which: { job: string } | FailedFilter): Promise<FailedJobView[]> {
    if (queue === 'deliver') return 'job' in which ? [await replayDeadLetter(this.system.queues, which.job)] : replayDeadLetters(this.system.queues, which);
    return 'job' in which ? [await replayFailedJob(this.stageQueue(queue), which.job)] : replayFailedJobs(this.stageQueue(queue), which);
  }

  deleteItem(id: string) {
    return deleteStoryById(this.system, id);
  }
  private get people(): PeopleOperations {
    return new PeopleOperations(this.system);
  }
  listPeople(limit: number) {
    return this.people.list(limit);
  }
  getPerson(id: string) {
    return this.people.get(id);
  }
  mergePeople(into: string, from: string[]) {
    return this.people.merge(into, from);
  }
  splitPerson(id: string, names: string[]) {
    return this.people.split(id, names);
  }

  private stageQueue(queue: Exclude<JobQueue, 'deliver'>) {
    return this.system.queues.producer(queue);
  }

  /** On the operator's own machine a `file:` feed is allowed, relative to the working directory, as in the config file. */
  override putSource(raw: unknown) {
    return super.putSource(raw, { allowFile: true });
  }
}

/** Talks to the admin API of a running system (`/api/v1`, bearer token). */
export class ApiBackend implements CatalogBackend {
  private readonly base: string;

  constructor(
    url: string,
    private readonly token: string | undefined,
  ) {
    this.base = url.replace(/(?<!\/)\/+$/, '');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new SyndicateError('SYN_ERR_NOT_READY', `the API at ${this.base} does not answer: ${(err as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (response.status >= 400) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const code = error?.code && error.code in ERROR_CATALOGUE ? (error.code as ErrorCode) : 'SYN_ERR_INTERNAL';
      throw new SyndicateError(code, error?.message ?? `${method} ${path} answered ${response.status}`);
    }
    return { status: response.status, body: parsed as T };
  }

  private path(kind: string, id?: string) {
    return `/api/v1/${kind}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;
  }

  async listSources() {
    return (await this.call<{ sources: SourceWithStatus[] }>('GET', this.path('sources'))).body.sources;
  }
  async getSource(id: string) {
    return (await this.call<{ source: SourceWithStatus }>('GET', this.path('sources', id))).body.source;
  }
  async putSource(raw: unknown) {
    const { status, body } = await this.call<{ source: SourceConfig }>('PUT', this.path('sources', (raw as { id: string }).id), raw);
    return { source: body.source, created: status === 201 };
  }
  async removeSource(id: string) {
    await this.call('DELETE', this.path('sources', id));
  }
  async fetchNow(id: string) {
    return (await this.call<{ queued: string }>('POST', `${this.path('sources', id)}/fetch`)).body.queued;
  }
  async listChannels() {
    return (await this.call<{ channels: ChannelConfig[] }>('GET', this.path('channels'))).body.channels;
  }
  async putChannel(raw: unknown) {
    const { status, body } = await this.call<{ channel: ChannelConfig }>('PUT', this.path('channels', (raw as { id: string }).id), raw);
    return { channel: body.channel, created: status === 201 };
  }
  async removeChannel(id: string) {
    await this.call('DELETE', this.path('channels', id));
  }
  async listSubscriptions() {
    return (await this.call<{ subscriptions: PublicSubscription[] }>('GET', this.path('subscriptions'))).body.subscriptions;
  }
  async putSubscription(raw: unknown) {
    const { status, body } = await this.call<{ subscription: PublicSubscription }>('PUT', this.path('subscriptions', (raw as { id: string }).id), raw);
    return { subscription: body.subscription, created: status === 201 };
  }
  async removeSubscription(id: string) {
    await this.call('DELETE', this.path('subscriptions', id));
  }
  async enableSubscription(id: string) {
    await this.call('PUT', `${this.path('subscriptions', id)}/enable`);
    return (await this.call<{ subscription: PublicSubscription }>('GET', this.path('subscriptions', id))).body.subscription;
  }
  async testRules(raw: unknown) {
    return (await this.call<RulesTestResult>('POST', '/api/v1/rules/test', raw)).body;
  }
  async failedJobs(queue: JobQueue, filter: FailedFilter, limit: number) {
    const query = new URLSearchParams({ limit: String(limit) });
    for (const [name, value] of Object.entries(isoRange(filter))) if (value !== undefined) query.set(name, value);
    if (queue === 'deliver') {
      if (filter.subscription) query.set('subscription', filter.subscription);
      return (await this.call<{ deliveries: DeadLetter[] }>('GET', `/api/v1/deliveries/failed?${query}`)).body.deliveries;
    }
    return (await this.call<{ jobs: FailedJob[] }>('GET', `/api/v1/jobs/${queue}/failed?${query}`)).body.jobs;
  }
  async replayJobs(queue: JobQueue, which: { job: string } | FailedFilter) {
    const base = queue === 'deliver' ? '/api/v1/deliveries' : `/api/v1/jobs/${queue}`;
    if ('job' in which) return (await this.call<{ replayed: FailedJobView[] }>('POST', `${base}/${encodeURIComponent(which.job)}/replay`)).body.replayed;
    const body = { ...isoRange(which), ...(queue === 'deliver' && which.subscription ? { subscription: which.subscription } : {}) };
    return (await this.call<{ replayed: FailedJobView[] }>('POST', `${base}/replay`, body)).body.replayed;
  }
  async deleteItem(id: string) {
    return (await this.call<{ deleted: RetractedItem & { channels: string[] } }>('DELETE', this.path('items', id))).body.deleted;
  }
  async issueToken(subscriptionId: string, label: string | null, lifetimeMs: number) {
    const body = { ...(label ? { label } : {}), expiresIn: lifetimeMs };
    return (await this.call<{ token: string; listing: ScopedToken }>('POST', `${this.path('subscriptions', subscriptionId)}/tokens`, body)).body;
  }
  async listTokens(subscriptionId: string) {
    return (await this.call<{ tokens: ScopedToken[] }>('GET', `${this.path('subscriptions', subscriptionId)}/tokens`)).body.tokens;
  }
  async revokeToken(subscriptionId: string, tokenId: string) {
    await this.call('DELETE', `${this.path('subscriptions', subscriptionId)}/tokens/${encodeURIComponent(tokenId)}`);
  }
  async listPeople(limit: number) {
    return (await this.call<{ items: PersonSummary[] }>('GET', `/api/v1/people?limit=${limit}`)).body.items;
  }
  async getPerson(id: string) {
    return (await this.call<{ person: PersonRecord }>('GET', this.path('people', id))).body.person;
  }
  async mergePeople(into: string, from: string[]) {
    return (await this.call<{ person: PersonRecord }>('POST', `${this.path('people', into)}/merge`, { from })).body.person;
  }
  async splitPerson(id: string, names: string[]) {
    return (await this.call<{ person: PersonRecord; newPerson: PersonRecord }>('POST', `${this.path('people', id)}/split`, { names })).body;
  }
  async close() {}
}

/** A failure range as the API takes it: ISO 8601 times (the CLI parsed them to epoch ms). */
function isoRange(filter: FailedFilter): { from?: string; to?: string } {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return { from: iso(filter.from), to: iso(filter.to) };
}
