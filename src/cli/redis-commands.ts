import { Command } from 'commander';
import { loadEnv } from '../config/load-config.js';
import { createStoreConnection, waitReady } from '../redis/connection.js';
import { migrateKeyLayout, type LayoutMigrationReport } from '../redis/layout-migration.js';
import { print } from './output.js';

/** The report for people: keys moved per group, buckets converted, conflicts. */
function describe(report: LayoutMigrationReport): string {
  const verb = report.dryRun ? 'would move' : 'moved';
  const groups = Object.entries(report.moved).map(([group, n]) => `  ${group}: ${n}`);
  const lines = [
    `${verb} ${Object.values(report.moved).reduce((sum, n) => sum + n, 0)} key(s) to their slot groups${groups.length ? ':' : ''}`,
    ...groups,
    `${report.dryRun ? 'would convert' : 'converted'} ${report.bucketsConverted} old band bucket(s) of ${report.generationsConverted.length} generation(s)`,
  ];
  if (report.conflicts.length) lines.push(`${report.conflicts.length} key(s) not moved, their new name is taken:`, ...report.conflicts.map((k) => `  ${k}`));
  return `${lines.join('\n')}\n`;
}

/**
 * `redis migrate [--dry-run]`: moves the keys of the one-tag layout (before the slot groups) to their groups, with
 * the system stopped (src/redis/README.md, "Upgrading from the one-tag layout"). Exit code 1 when a key could not be
 * moved because its new name is taken.
 */
export function redisCommand(): Command {
  const redis = new Command('redis').description('Redis key layout');
  redis
    .command('migrate')
    .description('move the keys of the one-tag layout (earlier versions) to their slot groups; run it with the system stopped')
    .option('--dry-run', 'count what would move, change nothing')
    .option('--json', 'print JSON (for scripts) instead of text')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const env = loadEnv();
      const connection = createStoreConnection({ url: env.redisUrl, cluster: env.redisCluster });
      try {
        await waitReady(connection);
        const report = await migrateKeyLayout(connection, env.redisPrefix, { dryRun: o.dryRun ?? false });
        print(o.json ?? false, report, () => describe(report));
        if (report.conflicts.length) process.exitCode = 1;
      } finally {
        connection.disconnect();
      }
    });
  return redis;
}
