import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { escapeRegExp } from './regexp.js';

export type { Logger };

/** What replaces a secret in a log line. */
export const REDACTED = '[REDACTED]';

/**
 * Fields that hold secrets wherever they appear (pino's redaction: exact paths, `*` one level deep). Webhook
 * secrets (`secret`, `secrets`, `hub.secret`), the admin token, and credentials in request headers.
 */
const REDACT_PATHS = [
  'adminToken',
  'token',
  'secret',
  'secrets',
  'password',
  'authorization',
  'cookie',
  '["hub.secret"]',
  '*.adminToken',
  '*.token',
  '*.secret',
  '*.secrets',
  '*.password',
  '*.authorization',
  '*.cookie',
  '*["hub.secret"]',
  '*.*.secret',
  '*.*.secrets',
  '*.*.authorization',
  '*.*.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  // A source's request profile (config/schema.ts `requestProfileSchema`), should a source ever be logged whole.
  'request.headers',
  'request.cookies',
  'request.auth.password',
  '*.request.headers',
  '*.request.cookies',
  '*.request.auth.password',
];

/** Secrets recognisable by their shape, in any string: Standard Webhooks secrets, bearer and basic credentials. */
const SECRET_SHAPES: Array<[RegExp, string]> = [
  [/whsec_[A-Za-z0-9+/=_-]+/g, `whsec_${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
];

/** Replaces every known secret value and secret-shaped string in `text`. */
export function scrubText(text: string, known: RegExp | null): string {
  let out = text;
  for (const [shape, replacement] of SECRET_SHAPES) out = out.replace(shape, replacement);
  return known ? out.replace(known, REDACTED) : out;
}

/** Copies a log object with every string scrubbed in its plain objects and arrays (errors become plain objects first, so their message is too). */
function scrubValue(value: unknown, known: RegExp | null, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, known);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return scrubValue({ ...pino.stdSerializers.err(value) }, known, depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, known, depth + 1));
  // Requests, replies and other class instances are left to their serializers (and the redaction paths).
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, known, depth + 1);
  return out;
}

/** The ids of the job being processed, set by the stage worker around each job (see `withJobContext`). */
const jobContext = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `fn` with `bindings` (stage, job, source and story ids) attached to every line any logger made by
 * `createLogger` writes meanwhile, however deep in the stage's code: each job logs as its own child logger
 * without every function taking one as an argument.
 */
export function withJobContext<T>(bindings: Record<string, unknown>, fn: () => T): T {
  return jobContext.run(bindings, fn);
}

export interface LoggerOptions {
  /** Human-readable lines (pino-pretty) instead of JSON; default: when stdout is a terminal. */
  pretty?: boolean;
  /** Secret values to redact wherever they appear in a line (e.g. the admin token). */
  secrets?: Array<string | null | undefined>;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: Writable;
}

/**
 * The process logger: JSON lines on stdout (pino), level from `LOG_LEVEL`; readable coloured lines when stdout is
 * a terminal. Secrets are redacted everywhere: by field name (`secret`, `authorization`, `adminToken`…), by shape
 * (`whsec_…`, `Bearer …`) and by value (the `secrets` given), in messages and error texts too. A line written
 * while a stage worker processes a job carries the job's ids.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const values = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const known = values.length ? new RegExp(values.map(escapeRegExp).join('|'), 'g') : null;
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY && !options.destination);
  const destination = usePretty
    ? pretty({
        colorize: !options.destination,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname,service',
        destination: options.destination ?? 1,
      })
    : (options.destination ?? pino.destination(1));
  return pino(
    {
      level,
      base: { service: 'syndicate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      mixin: () => jobContext.getStore() ?? {},
      formatters: { log: (object) => scrubValue(object, known) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // The message (and its format arguments) may quote a secret too.
          method.apply(this, args.map((arg) => scrubValue(arg, known)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
