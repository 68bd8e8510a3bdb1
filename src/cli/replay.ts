import { loadConfigFile, loadEnv } from '../config/load-config.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { parseTime, replayDeadLetter, replayDeadLetters, type DeadLetter } from '../deliver/dead-letters.js';
import { ensureRedis } from '../redis/ensure-redis.js';
import { waitReady } from '../redis/connection.js';
import { closeContext, createContext } from '../runtime/context.js';

/**
 * `syndicate replay [--job id] [--subscription id] [--from iso] [--to iso]` (options parsed by cli/main.ts): puts failed webhook deliveries (dead
 * letters) back on the deliver queue; the running deliver workers send them. Same env and config as `start`.
 * Prints the replayed deliveries as JSON; exit 0, or 1 with one line on stderr.
 */
export async function replayCommand(values: { job?: string; subscription?: string; from?: string; to?: string }): Promise<number> {
  try {
    const from = parseTime(values.from, '--from');
    const to = parseTime(values.to, '--to');
    if (!values.job && (from === undefined || to === undefined)) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'replay needs --job id, or --from and --to (ISO 8601)');
    const env = loadEnv();
    const logger = createLogger(env.logLevel, { secrets: [env.adminToken] });
    const config = loadConfigFile(env.configPath);
    const redisHandle = await ensureRedis(env.redisUrl, './data', (msg) => logger.warn(msg));
    const ctx = createContext(env, config, logger);
    try {
      await waitReady(ctx.redis);
      const replayed: DeadLetter[] = values.job ? [await replayDeadLetter(ctx.queues, values.job)] : await replayDeadLetters(ctx.queues, { subscription: values.subscription, from, to });
      process.stdout.write(`${JSON.stringify({ replayed }, null, 2)}\n`);
      return 0;
    } finally {
      await closeContext(ctx);
      await redisHandle.stop();
    }
  } catch (err) {
    const error = toSyndicateError(err);
    process.stderr.write(`syndicate: ${error.code}: ${error.message}\n`);
    return 1;
  }
}
