import { parseArgs } from 'node:util';
import { loadConfigFile, loadEnv } from '../config/load-config.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { ROLE_NAMES, type RoleName, type RoleSet } from '../runtime/role.js';
import { startSystem } from '../runtime/start.js';
import { normalizeCommand } from './normalize.js';
import { replayCommand } from './replay.js';
import { asUsageError, CliUsageError } from './usage-error.js';

const USAGE = `usage: syndicate <command>

  normalize <file|url>          print the normalized items of a feed or article page (JSON); needs no Redis
  normalize --jsonl <file|url>...
                                one JSON line per input, in order: {"input","items"} or {"input","error"}
  start [--roles a,b,...]       run the system; roles: ${ROLE_NAMES.join(', ')} (default: all)
  replay [--job id] [--subscription id] [--from iso] [--to iso]
                                replay failed webhook deliveries (one job, or all failed in a range); needs Redis

environment: REDIS_URL, PORT, HOST, ADMIN_TOKEN, LOG_LEVEL, PUBLIC_URL, SYNDICATE_CONFIG`;

function parseRoles(value: string | undefined): RoleName[] {
  if (!value) return [...ROLE_NAMES];
  const names = value.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ROLE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `unknown role(s) ${unknown.join(', ')}; known: ${ROLE_NAMES.join(', ')}`);
  return names as RoleName[];
}

async function startCommand(rolesArg: string | undefined, roleSet: RoleSet | undefined): Promise<number> {
  if (!roleSet) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'start needs the roles of workers/ (run it through bin/syndicate.js)');
  const env = loadEnv();
  const logger = createLogger(env.logLevel, { secrets: [env.adminToken] });
  const config = loadConfigFile(env.configPath);
  const roles = parseRoles(rolesArg);
  // Only the one-command demo (no --roles, no REDIS_URL) may start a private Redis; see StartOptions.mayStartRedis.
  const system = await startSystem(env, config, roles.map((name) => roleSet.roles[name]), logger, {
    health: roleSet.health,
    mayStartRedis: rolesArg === undefined && !process.env.REDIS_URL,
  });
  await new Promise<void>((done) => {
    const onSignal = (signal: string) => void system.stop(signal).then(done);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  // Whatever a library still holds open must not keep a stopped process alive.
  setTimeout(() => process.exit(0), 500).unref();
  return 0;
}

/**
 * The `syndicate` command line. Returns the exit code. `roleSet` comes from `workers/` (bin/syndicate.js passes
 * it): src/ never imports workers/, which sit above it.
 */
export async function main(argv: string[], roleSet?: RoleSet): Promise<number> {
  if (argv[0] === 'replay') return replayCommand(argv.slice(1));
  try {
    if (argv[0] === 'normalize') return await normalizeCommand(argv.slice(1), USAGE);
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { roles: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    const [command] = positionals;
    if (values.help || !command) {
      process.stdout.write(`${USAGE}\n`);
      return values.help ? 0 : 1;
    }
    if (command === 'start') return await startCommand(values.roles, roleSet);
    throw new CliUsageError(`unknown command ${command}`);
  } catch (err) {
    const misuse = asUsageError(err);
    if (misuse) {
      process.stderr.write(`syndicate: ${misuse.message}\n${USAGE}\n`);
      return 2;
    }
    const error = toSyndicateError(err);
    process.stderr.write(`syndicate: ${error.code}: ${error.message}\n`);
    return 1;
  }
}
