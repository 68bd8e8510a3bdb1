import { Command, CommanderError, Option } from 'commander';
import { loadConfigFile, loadEnv } from '../config/load-config.js';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { ROLE_NAMES, type RoleName, type RoleSet } from '../runtime/role.js';
import { startSystem } from '../runtime/start.js';
import { channelsCommand, exportOpmlCommand, importOpmlCommand, sourcesCommand, itemsCommand, subscriptionsCommand } from './catalog-commands.js';
import { normalizeCommand, type PreviewOptions } from './normalize.js';
import { jobsCommand, replayCommand } from './jobs-commands.js';
import { peopleCommand } from './people-commands.js';
import { redisCommand } from './redis-commands.js';
import { rulesCommand } from './rules-commands.js';
import { CliUsageError } from './usage-error.js';

const ENVIRONMENT_HELP = `
Environment: REDIS_URL, PORT, HOST, ADMIN_TOKEN, LOG_LEVEL, PUBLIC_URL, SYNDICATE_CONFIG, SYNDICATE_REDIS_PREFIX,
REDIS_CLUSTER_NODES, SYNDICATE_CONCURRENCY_<STAGE>.
Commands that change things talk to the running system through Redis (REDIS_URL, no token needed), or through
the admin API with --url http://host:8080 and --token (default $ADMIN_TOKEN).`;

function parseRoles(value: string | undefined): RoleName[] {
  if (!value) return [...ROLE_NAMES];
  const names = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(ROLE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `unknown role(s) ${unknown.join(', ')}; known: ${ROLE_NAMES.join(', ')}`);
  return names as RoleName[];
}

async function startCommand(rolesArg: string | undefined, roleSet: RoleSet | undefined): Promise<void> {
  if (!roleSet) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'start needs the roles of workers/ (run it through bin/syndicate.js)');
  const env = loadEnv();
  const logger = createLogger(env.logLevel, { secrets: [env.adminToken] });
  const config = loadConfigFile(env.configPath);
  const roles = parseRoles(rolesArg);
  // Only the one-command demo (no --roles, no REDIS_URL) may start a private Redis; see StartOptions.mayStartRedis.
  const system = await startSystem(
    env,
    config,
    roles.map((name) => roleSet.roles[name]),
    logger,
    {
      health: roleSet.health,
      mayStartRedis: rolesArg === undefined && !process.env.REDIS_URL && !env.redisCluster,
    },
  );
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
 * printing one line and the usage of the command concerned; `main` turns it into exit code 2. `roleSet` (what
 * `start` runs) comes from `workers/`: src/ never imports workers/, which sit above it.
 */
export function buildProgram(roleSet?: RoleSet): Command {
  const program = new Command('syndicate')
    .description('event-driven content syndication: feeds in, deduplicated stories out as feeds and signed webhooks')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput(OUTPUT)
    .addHelpText('after', ENVIRONMENT_HELP);

  program
    .command('start')
    .description('run the system (what npm start runs); each container can run some roles only')
    .addOption(new Option('--roles <roles>', `comma-separated roles: ${ROLE_NAMES.join(', ')} (default: all)`))
    .action(async (o: { roles?: string }) => startCommand(o.roles, roleSet));

  program
    .command('normalize')
    .description('print the normalized items of a feed or article page as JSON; needs no Redis')
    .argument('[file|url...]', 'a feed (RSS, Atom, JSON Feed) or an HTML article page; several with --jsonl')
    .option('--jsonl', 'several inputs: one JSON line per input, in order: {"input","items"} or {"input","error"}')
    .option(
      '--source <id>',
      'preview as this source of the config: its format (feed, html or json listing), extraction rules, full text, request profile, zone and day order (its URL when no input is given)',
    )
    .option('--header <line...>', "an extra request header, 'Name: value' (repeatable)")
    .option('--user-agent <text>', 'the User-Agent to send')
    .option('--user <name:password>', 'HTTP basic auth')
    .option('--cookie <name=value...>', 'a cookie to send (repeatable)')
    .option('--timezone <zone>', 'the zone of dates that name none (IANA name or +hh:mm)')
    .option('--day-order <dmy|mdy>', 'how ambiguous numeric dates such as 03/04/2026 are read')
    .addHelpText(
      'after',
      '\nExamples:\n  syndicate normalize config/samples/news-az-interview.rss\n  syndicate normalize --jsonl https://news.az/rss feed.atom page.html\n  syndicate normalize --source news-az\n  syndicate normalize https://partner.example/feed --user reader:secret --timezone Europe/Istanbul',
    )
    .action(async (inputs: string[], o: Omit<PreviewOptions, 'jsonl'> & { jsonl?: boolean }, command: Command) => {
      try {
        process.exitCode = await normalizeCommand(inputs, { ...o, jsonl: o.jsonl ?? false });
      } catch (err) {
        // Misuse found after parsing (no input, several without --jsonl): one line and this command's usage.
        if (err instanceof CliUsageError) command.error(err.message, { exitCode: 2, code: 'syndicate.usage' });
        throw err;
      }
    });

  for (const command of [
    sourcesCommand(),
    channelsCommand(),
    subscriptionsCommand(),
    itemsCommand(),
    importOpmlCommand(),
    exportOpmlCommand(),
    jobsCommand(),
    replayCommand(),
    peopleCommand(),
    rulesCommand(),
    redisCommand(),
  ])
    program.addCommand(command);
  inheritSettings(program);
  return program;
}

/** Where commander writes: stdout and stderr, read at each write (tests capture them); errors as `syndicate: …`. */
const OUTPUT = {
  writeOut: (s: string) => void process.stdout.write(s),
  writeErr: (s: string) => void process.stderr.write(s),
  outputError: (s: string, write: (s: string) => void) => write(`syndicate: ${s.replace(/^error: /, '')}`),
};

/** Subcommands built on their own (addCommand) take the program's error handling and output too. */
function inheritSettings(parent: Command): void {
  for (const child of parent.commands) {
    child.exitOverride().showHelpAfterError().configureOutput(OUTPUT);
    inheritSettings(child);
  }
}

/**
 * The `syndicate` command line. Returns the exit code; never throws, never prints a stack trace. bin/syndicate.js
 * passes `roleSet` from workers/.
 */
export async function main(argv: string[], roleSet?: RoleSet): Promise<number> {
  process.exitCode = undefined;
  const program = buildProgram(roleSet);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    // Commander has already printed the one line and the usage (or the help asked for, which exits 0). Misuse exits
    // 2, so a script can tell it from a run that failed (1).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const error = toSyndicateError(err);
    process.stderr.write(`syndicate: ${error.code}: ${error.message}\n`);
    return 1;
  } finally {
    process.exitCode = undefined;
  }
}
