import { randomBytes } from 'node:crypto';
import { buildApp } from '../src/api/app.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** The api role: feeds, health, metrics, admin API and dashboard over HTTP. */
export const apiRole: RoleDefinition = {
  name: 'api',
  async start(ctx) {
    let adminToken = ctx.env.adminToken;
    if (!adminToken) {
      adminToken = randomBytes(18).toString('base64url');
      // Logs never carry secrets (they are shipped and kept): the generated token is shown only on a terminal.
      if (process.stderr.isTTY) process.stderr.write(`ADMIN_TOKEN is not set; this run's admin token: ${adminToken}\n`);
      ctx.logger.warn('ADMIN_TOKEN is not set: generated a token for this run (shown on the terminal only); set ADMIN_TOKEN to choose one');
    }
    const app = await buildApp({ ctx, adminToken, logger: ctx.logger.child({ role: 'api' }) });
    const address = await app.listen({ host: ctx.env.host, port: ctx.env.port });
    const channels = await ctx.catalog.list('channels');
    ctx.logger.info(
      { address, feeds: channels.map((c) => `${ctx.env.publicUrl}/feeds/${c.id}.atom`) },
      `HTTP API listening on ${address}; feeds at ${ctx.env.publicUrl}/feeds/<channel>.rss|.atom|.json`,
    );
    return { name: 'api', close: async () => void (await app.close()) };
  },
};
