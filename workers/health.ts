import { buildHealthApp } from '../src/api/health-app.js';
import type { HealthListener } from '../src/runtime/role.js';

/** The HTTP side of a process without the api role: `/healthz`, `/readyz` and `/metrics` on PORT. */
export const listenForHealth: HealthListener = async (ctx) => {
  const app = await buildHealthApp(ctx);
  const address = await app.listen({ host: ctx.env.host, port: ctx.env.port });
  return { address, close: async () => void (await app.close()) };
};
