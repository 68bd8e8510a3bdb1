import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { RoleDefinition } from '../../src/runtime/role.js';
import { startSystem } from '../../src/runtime/start.js';
import { waitFor } from '../support/http.js';
import { deleteKeys, testEnv } from '../support/redis.js';

describe('readiness while a process starts its roles', () => {
  it('answers 503 SYN_ERR_NOT_READY until every role runs, then 200', async () => {
    const env = testEnv('startup');
    let app: FastifyInstance | undefined;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The api role first (as in `syndicate start`), then a worker role that takes its time to start.
    const api: RoleDefinition = {
      name: 'api',
      async start(ctx) {
        app = await buildApp({ ctx, adminToken: 'x' });
        return { name: 'api', close: () => app!.close() };
      },
    };
    const slowWorker: RoleDefinition = {
      name: 'fetch',
      async start() {
        await gate;
        return { name: 'fetch', close: async () => {} };
      },
    };
    const starting = startSystem(env, parseConfig({}), [api, slowWorker], pino({ level: 'silent' }));
    try {
      const early = await waitFor('the api role to run', () => app);
      const answer = await early.inject({ method: 'GET', url: '/readyz' });
      expect(answer.statusCode).toBe(503);
      expect(answer.json().error).toMatchObject({ code: 'SYN_ERR_NOT_READY', message: expect.stringContaining('starting') });
      release();
      const system = await starting;
      expect((await early.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await system.stop('test');
    } finally {
      release();
      await deleteKeys(env.redisPrefix);
    }
  });
});
