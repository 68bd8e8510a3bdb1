import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { SyndicateError } from '../core/errors.js';
import { configSchema, type SyndicationConfig } from './schema.js';

/** Settings from the environment, as the contract names them. */
export interface RuntimeEnv {
  redisUrl: string;
  port: number;
  host: string;
  adminToken: string | null;
  logLevel: string;
  publicUrl: string;
  configPath: string;
  /**
   * The deployment's Redis hash tag (`{syndicate}`): every key starts with it or with a group tag derived from it
   * (`{syndicate:fetch}`, `{syndicate:dd}`…, redis/keys.ts `slotTag`), one Cluster slot per group.
   */
  redisPrefix: string;
  /**
   * Jobs in flight per process, by stage queue (`fetch`, `deliver`...), from `SYNDICATE_CONCURRENCY_<QUEUE>`; a
   * stage not named here (or named with anything but a positive integer) runs with its default.
   */
  concurrency: Readonly<Record<string, number>>;
  /** Seed nodes of a Redis Cluster (`REDIS_CLUSTER_NODES=host:port,…`), or null for one server at `redisUrl`. */
  redisCluster: Array<{ host: string; port: number }> | null;
  /**
   * Fault injection for crash drills, never for production (`SYNDICATE_FAULT_HOLD_JOBS=publish,deliver`): the named
   * stages take jobs and hold them, lock renewed, until the process dies, so a test can kill a worker that
   * certainly holds a job instead of racing to catch one in flight.
   */
  holdJobs: readonly string[];
}

/** Reads `SYNDICATE_CONCURRENCY_<QUEUE>` variables: positive integers only, by lowercase queue name. */
function concurrencyFrom(env: NodeJS.ProcessEnv): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(env)) {
    const queue = /^SYNDICATE_CONCURRENCY_([A-Z]+)$/.exec(name)?.[1];
    const n = Number(value);
    if (queue && Number.isInteger(n) && n > 0) out[queue.toLowerCase()] = n;
  }
  return out;
}

/** The shortest admin token accepted: shorter ones can be guessed through the API. */
export const ADMIN_TOKEN_MIN_LENGTH = 16;
/** How an operator makes an admin token (named when a short one is refused). */
export const MAKE_ADMIN_TOKEN = 'openssl rand -hex 16';

const envSchema = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  ADMIN_TOKEN: z
    .string()
    .min(
      ADMIN_TOKEN_MIN_LENGTH,
      `must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters (or unset, to get one generated per run); make one with: ${MAKE_ADMIN_TOKEN}`,
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.string().url().optional(),
  SYNDICATE_CONFIG: z.string().default('config/syndication.yaml'),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s,:]+:\d+(\s*,\s*[^\s,:]+:\d+)*\s*$/, 'must list cluster nodes as host:port,host:port')
    .optional(),
  SYNDICATE_REDIS_PREFIX: z
    .string()
    .regex(/^\{[^{}:\s]+\}$/, "must be a Redis hash tag such as {syndicate}, without ':' or spaces (key groups add ':GROUP' inside it)")
    .default('{syndicate}'),
  SYNDICATE_FAULT_HOLD_JOBS: z
    .string()
    .regex(/^[a-z]+(,[a-z]+)*$/, 'must list stage queues as fetch,publish')
    .optional(),
});

/** Formats zod issues as `path: message` lines, all of them at once. */
function describeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/** Reads the environment once; every problem is reported together (`SYN_ERR_CONFIG_INVALID`). */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error.issues);
    throw new SyndicateError('SYN_ERR_CONFIG_INVALID', `environment is invalid:\n  ${lines.join('\n  ')}`, { details: lines });
  }
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    adminToken: e.ADMIN_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/$/, ''),
    configPath: e.SYNDICATE_CONFIG,
    redisPrefix: e.SYNDICATE_REDIS_PREFIX,
    concurrency: concurrencyFrom(env),
    redisCluster: e.REDIS_CLUSTER_NODES
      ? e.REDIS_CLUSTER_NODES.split(',').map((node) => {
          const [host = '', port = ''] = node.trim().split(':');
          return { host, port: Number(port) };
        })
      : null,
    holdJobs: e.SYNDICATE_FAULT_HOLD_JOBS?.split(',') ?? [],
  };
}

/**
 * Validates a configuration object (already parsed from YAML). `baseDir` resolves relative `file:` source URLs.
 * Throws `SYN_ERR_CONFIG_INVALID` listing every problem with its path.
 */
export function parseConfig(raw: unknown, baseDir = process.cwd()): SyndicationConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = describeIssues(parsed.error.issues);
    throw new SyndicateError('SYN_ERR_CONFIG_INVALID', `configuration is invalid:\n  ${lines.join('\n  ')}`, { details: lines });
  }
  for (const source of parsed.data.sources) source.url = resolveFileUrl(source.url, baseDir);
  return parsed.data;
}

/** Turns `file:./x.rss` or `file:x.rss` into an absolute `file:///…` URL relative to `baseDir`. */
export function resolveFileUrl(url: string, baseDir: string): string {
  if (!url.startsWith('file:') || url.startsWith('file:///')) return url;
  return pathToFileURL(resolve(baseDir, decodeURIComponent(url.slice('file:'.length)))).href;
}

/** Reads and validates the YAML configuration file. */
export function loadConfigFile(path: string): SyndicationConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SyndicateError('SYN_ERR_CONFIG_UNREADABLE', `cannot read configuration ${path}: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => e.message.split('\n')[0] ?? e.message);
    throw new SyndicateError('SYN_ERR_CONFIG_UNREADABLE', `${path} is not valid YAML:\n  ${lines.join('\n  ')}`, { details: lines });
  }
  try {
    return parseConfig(doc.toJS(), dirname(resolve(path)));
  } catch (err) {
    if (err instanceof SyndicateError) err.message = err.message.replace('configuration is invalid', `${path} is invalid`);
    throw err;
  }
}
