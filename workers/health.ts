import { buildHealthApp } from '../src/api/health-app.js';
import type { RoleDefinition } from '../src/runtime/role.js';

/** Not a role of its own: what answers `/healthz`, `/readyz` and `/metrics` on PORT in a process without the api role. */
export const healthRole: RoleDefinition = {
  name: 'api',
  async start(ctx) {
    const health = buildHealthApp(ctx);
    const address = await health.listen({ host: ctx.env.host, port: ctx.env.port });
    ctx.logger.info({ address }, 'health endpoints listening (/healthz, /readyz, /metrics)');
    return { name: 'api', close: async () => void (await health.close()) };
  },
};
