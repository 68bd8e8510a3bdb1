import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { loadConfigFile, loadEnv } from '../config/load-config.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { decodeText } from '../fetch/decode-text.js';
import { httpFetch } from '../fetch/http-fetch.js';
import { normalizeDocument } from '../normalize/normalize-document.js';
import { ROLE_NAMES, type RoleName } from '../runtime/role.js';
import { startSystem } from '../runtime/start.js';
import { ROLES } from '../../workers/index.js';
import { channelsCommand, exportOpmlCommand, importOpmlCommand, sourcesCommand, subscriptionsCommand } from './catalog-commands.js';
import { replayCommand } from './replay.js';

const ENVIRONMENT_HELP = `
Environment: REDIS_URL, PORT, HOST, ADMIN_TOKEN, LOG_LEVEL, PUBLIC_URL, SYNDICATE_CONFIG, SYNDICATE_REDIS_PREFIX.
Commands that change things talk to the running system through Redis (REDIS_URL, no token needed), or through
the admin API with --url http://host:8080 and --token (default $ADMIN_TOKEN).`;

async function normalizeCommand(target: string): Promise<void> {
  const location = /^(https?|file):/.test(target) ? target : pathToFileURL(resolve(target)).href;
  const response = await httpFetch(location, { timeoutMs: 20_000, maxBytes: 10 * 1024 * 1024 });
  if (response.status >= 400) throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${location} answered ${response.status}`);
  const items = await normalizeDocument(decodeText(response.body, response.headers['content-type']), response.url, new Date().toISOString());
  process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
}

function parseRoles(value: string | undefined): RoleName[] {
  if (!value) return [...ROLE_NAMES];
  const names = value.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ROLE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `unknown role(s) ${unknown.join(', ')}; known: ${ROLE_NAMES.join(', ')}`);
  return names as RoleName[];
}

async function startCommand(rolesArg: string | undefined): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.logLevel, { secrets: [env.adminToken] });
  const config = loadConfigFile(env.configPath);
  const roles = parseRoles(rolesArg);
  const system = await startSystem(env, config, roles.map((name) => ROLES[name]), logger);
  await new Promise<void>((done) => {
    const onSignal = (signal: string) => void system.stop(signal).then(done);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  // Whatever a library still holds open must not keep a stopped process alive.
  setTimeout(() => process.exit(0), 500).unref();
}

/**
 * The whole command tree. Misuse (unknown command or option, missing argument) throws a `CommanderError` after
 * printing one line and the usage of the command concerned; `main` turns it into an exit code.
 */
export function buildProgram(): Command {
  const program = new Command('syndicate')
    .description('event-driven content syndication: feeds in, deduplicated stories out as feeds and signed webhooks')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })
    .addHelpText('after', ENVIRONMENT_HELP);

  program
    .command('start')
    .description('run the system (what npm start runs); each container can run some roles only')
    .addOption(new Option('--roles <roles>', `comma-separated roles: ${ROLE_NAMES.join(', ')} (default: all)`))
    .action(async (o: { roles?: string }) => startCommand(o.roles));

  program
    .command('normalize')
    .description('print the normalized items of a feed or article page as JSON; needs no Redis')
    .argument('<file|url>', 'a feed (RSS, Atom, JSON Feed) or an HTML article page')
    .action(async (target: string) => normalizeCommand(target));

  program
    .command('replay')
    .description('replay failed webhook deliveries (dead letters): one job, or all failed in a range; needs Redis')
    .option('--job <id>', 'the dead-lettered delivery job to replay')
    .option('--subscription <id>', 'only this subscription')
    .option('--from <iso>', 'failed at or after (ISO 8601)')
    .option('--to <iso>', 'failed at or before (ISO 8601)')
    .action(async (o: { job?: string; subscription?: string; from?: string; to?: string }) => {
      process.exitCode = await replayCommand(o);
    });

  for (const command of [sourcesCommand(), channelsCommand(), subscriptionsCommand(), importOpmlCommand(), exportOpmlCommand()]) program.addCommand(command);
  inheritSettings(program);
  return program;
}

/** Subcommands built on their own (addCommand) take the program's error handling and output too. */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.exitOverride().showHelpAfterError().configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
    inheritSettings(child);
  }
}

/** The `syndicate` command line. Returns the exit code; never throws, never prints a stack trace. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    // Commander has already printed the one line and the usage (or the help, which exits 0).
    if (err instanceof CommanderError) return err.exitCode;
    const error = toSyndicateError(err);
    process.stderr.write(`syndicate: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    process.exitCode = undefined;
  }
}
