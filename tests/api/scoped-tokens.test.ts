import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_SCHEMAS } from '../../src/api/schemas.js';
import { ROUTE_DOCS } from '../../src/api/openapi.js';
import {
  ADMIN_AUTH,
  CLEANUP_TIMEOUT_MS,
  enqueueEvent,
  sampleItem,
  secretFor,
  startDeliverRig,
  waitForList,
  type DeliverRigWithApi,
} from '../deliver/helpers.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/http.js';

const ALPHA_SECRET = secretFor('scoped-alpha');

/** A path of the route table with its parameters filled in; `id` is the subscription it names. */
function fill(path: string, id: string): string {
  const values: Record<string, string> = {
    id,
    file: 'all.atom',
    channel: 'all',
    sourceId: 'src',
    queue: 'publish',
    jobId: 'no-such-job',
    tokenId: '000000000000',
  };
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? 'x');
}

describe('consumer tokens scoped to one subscription', () => {
  let rig: DeliverRigWithApi;
  let alphaHealthy = false;
  let token = '';
  let tokenId = '';
  const bearer = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    rig = await startDeliverRig('scoped-tokens', {
      withApi: true,
      answer: (request, response) => void response.writeHead(request.url === '/alpha' && !alphaHealthy ? 500 : 204).end(),
      config: (url) => ({
        channels: [{ id: 'all', title: 'All' }],
        subscriptions: [
          { id: 'alpha', url: `${url}/alpha`, secret: ALPHA_SECRET },
          { id: 'beta', url: `${url}/beta`, secret: secretFor('scoped-beta') },
        ],
        delivery: { retrySchedule: ['20ms'], jitter: 0, disableAfter: '1h' },
      }),
    });
    const issued = await rig.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions/alpha/tokens',
      headers: ADMIN_AUTH,
      payload: { label: 'alpha team', expiresIn: '1d' },
    });
    expect(issued.statusCode).toBe(201);
    ({
      token,
      listing: { id: tokenId },
    } = JSON.parse(issued.body));
    expect(token).toMatch(/^syt_/);
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('reaches nothing outside its subscription: every route of the app tried', async () => {
    const scopedRoutes = Object.entries(ROUTE_DOCS)
      .filter(([, doc]) => doc.scoped)
      .map(([key]) => key);
    expect(scopedRoutes.sort()).toEqual(
      [
        'GET /api/v1/subscriptions/:id/deliveries',
        'GET /api/v1/subscriptions/:id/dead-letters',
        'POST /api/v1/subscriptions/:id/dead-letters/replay',
        'POST /api/v1/subscriptions/:id/test',
        'POST /api/v1/subscriptions/:id/secret/rotate',
      ].sort(),
    );
    let tried = 0;
    let refused = 0;
    let reached = 0;
    const routes = [...Object.keys(ROUTE_SCHEMAS), 'GET /admin/queues', 'GET /admin/queues/api/queues'];
    for (const key of routes) {
      const [method, path] = key.split(' ') as ['GET' | 'POST' | 'PUT' | 'DELETE', string];
      for (const id of ['alpha', 'beta']) {
        // Rotation is tried on the other subscription only: on its own it would change the secret under test here.
        if (key.endsWith('/secret/rotate') && id === 'alpha') continue;
        const url = fill(path, id);
        const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
        const withToken = await rig.app.inject({ method, url, headers: bearer(), ...(payload ? { payload } : {}) });
        const without = await rig.app.inject({ method, url, ...(payload ? { payload } : {}) });
        tried++;
        const own = scopedRoutes.includes(key) && path.includes(':id') && id === 'alpha';
        if (own) {
          expect([401, 403], `${method} ${url}`).not.toContain(withToken.statusCode);
          reached++;
        } else if (path.startsWith('/api/')) {
          expect(withToken.statusCode, `${method} ${url}`).toBe(403);
          expect(JSON.parse(withToken.body).error.code).toBe('SYN_ERR_FORBIDDEN');
          refused++;
        } else if (path.startsWith('/admin')) {
          expect(withToken.statusCode, `${method} ${url}`).toBe(401);
          refused++;
        } else {
          // Public routes (feeds, health, metrics, WebSub): the token gives nothing more than no token.
          expect(withToken.statusCode, `${method} ${url}`).toBe(without.statusCode);
        }
        if (!path.includes(':id')) break;
      }
    }
    console.info(`scoped token: ${tried} route calls tried, ${refused} refused, ${reached} reached (its own self-service routes)`);
    expect(reached).toBe(4);
    expect(refused).toBeGreaterThan(30);
  });

  it('reads its delivery log, lists and replays its dead letters, and sends a test event', async () => {
    const jobId = await enqueueEvent(rig.system.ctx, 'alpha', 'item.published', sampleItem('scoped-1'));
    await waitFor('dead letter', async () => (await rig.system.ctx.queues.deliver.getJobState(jobId)) === 'failed', 15_000);
    const log = JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha/deliveries', headers: bearer() })).body);
    expect(log.deliveries.length).toBeGreaterThanOrEqual(2);
    const letters = JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha/dead-letters', headers: bearer() })).body);
    expect(letters.deliveries.map((d: { jobId: string }) => d.jobId)).toEqual([jobId]);

    alphaHealthy = true;
    const replay = await rig.app.inject({ method: 'POST', url: '/api/v1/subscriptions/alpha/dead-letters/replay', headers: bearer(), payload: { jobId } });
    expect(replay.statusCode).toBe(202);
    await waitFor('replayed delivery', async () => (await rig.system.ctx.queues.deliver.getJobState(jobId)) === 'completed', 15_000);
    // Another subscription's dead letter is not its to replay, even by id.
    const betaJob = await enqueueEvent(rig.system.ctx, 'beta', 'item.published', sampleItem('scoped-2'));
    const foreign = await rig.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions/alpha/dead-letters/replay',
      headers: bearer(),
      payload: { jobId: betaJob },
    });
    expect(foreign.statusCode).toBe(404);

    const test = await rig.app.inject({ method: 'POST', url: '/api/v1/subscriptions/alpha/test', headers: bearer() });
    expect(JSON.parse(test.body)).toMatchObject({ ok: true, status: 204 });
  });

  it('rotates its secret: old and new both sign during the overlap, only the new one after', async () => {
    const rotated = await rig.app.inject({ method: 'POST', url: '/api/v1/subscriptions/alpha/secret/rotate', headers: bearer(), payload: { overlap: '1h' } });
    expect(rotated.statusCode).toBe(200);
    const { secret: fresh } = JSON.parse(rotated.body) as { secret: string };
    expect(fresh).toMatch(/^whsec_/);
    // Deliver workers reuse a subscription read for a second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const during = rig.at('/alpha').length;
    await enqueueEvent(rig.system.ctx, 'alpha', 'item.published', sampleItem('scoped-3'));
    const [overlapDelivery] = (await waitForList('delivery during overlap', () => rig.at('/alpha').slice(during))).slice(-1);
    expect(String(overlapDelivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [ALPHA_SECRET, fresh]) new Webhook(secret).verify(overlapDelivery!.body, overlapDelivery!.headers as Record<string, string>);

    const ended = JSON.parse(
      (await rig.app.inject({ method: 'POST', url: '/api/v1/subscriptions/alpha/secret/rotate', headers: bearer(), payload: { overlap: 0 } })).body,
    ) as { secret: string };
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = rig.at('/alpha').length;
    await enqueueEvent(rig.system.ctx, 'alpha', 'item.published', sampleItem('scoped-4'));
    const [lastDelivery] = (await waitForList('delivery after overlap', () => rig.at('/alpha').slice(after))).slice(-1);
    new Webhook(ended.secret).verify(lastDelivery!.body, lastDelivery!.headers as Record<string, string>);
    expect(() => new Webhook(fresh).verify(lastDelivery!.body, lastDelivery!.headers as Record<string, string>)).toThrow();
    // The API shows the rotation, never the secrets.
    const shown = JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha', headers: ADMIN_AUTH })).body).subscription;
    expect(JSON.stringify(shown)).not.toContain(ended.secret.slice(10));
    expect(shown.secretRotation).toMatchObject({ until: expect.any(String) });
  });

  it('is stored hashed, listed without the token, and revoked at once', async () => {
    const { redis, keys } = rig.system.ctx;
    const stored = await redis.keys(`${keys.prefix}:token:*`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain(token);
    expect(await redis.get(stored[0]!)).not.toContain(token.slice(17));
    const listed = JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha/tokens', headers: ADMIN_AUTH })).body);
    expect(listed.tokens).toEqual([expect.objectContaining({ id: tokenId, subscriptionId: 'alpha', label: 'alpha team' })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    // A consumer token cannot issue or list tokens, even for its own subscription.
    expect((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha/tokens', headers: bearer() })).statusCode).toBe(403);
    expect((await rig.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/alpha/tokens/${tokenId}`, headers: ADMIN_AUTH })).statusCode).toBe(204);
    const after = await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/alpha/deliveries', headers: bearer() });
    expect(after.statusCode).toBe(401);
    expect(await redis.keys(`${keys.prefix}:token:*`)).toHaveLength(0);
  });

  it('is issued, listed and revoked by the operator through the CLI', async () => {
    const saved = { ...process.env };
    try {
      process.env.REDIS_URL = rig.system.env.redisUrl;
      process.env.SYNDICATE_REDIS_PREFIX = rig.system.env.redisPrefix;
      process.env.SYNDICATE_CONFIG = '/nonexistent/syndication.yaml';
      const issued = await runCli('subscriptions', 'tokens', 'issue', 'beta', '--label', 'beta ops', '--expires-in', '7d', '--json');
      expect(issued.code, issued.stderr).toBe(0);
      const { token: cliToken, listing } = JSON.parse(issued.stdout) as { token: string; listing: { id: string; expiresAt: string } };
      expect(Date.parse(listing.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
      const own = await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/beta/deliveries', headers: { authorization: `Bearer ${cliToken}` } });
      expect(own.statusCode).toBe(200);
      const listed = await runCli('subscriptions', 'tokens', 'list', 'beta');
      expect(listed.stdout).toContain(listing.id);
      expect(listed.stdout).not.toContain(cliToken);
      expect((await runCli('subscriptions', 'tokens', 'revoke', 'beta', listing.id)).code).toBe(0);
      const after = await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/beta/deliveries', headers: { authorization: `Bearer ${cliToken}` } });
      expect(after.statusCode).toBe(401);
      expect((await runCli('subscriptions', 'tokens', 'issue', 'beta', '--expires-in', 'soon')).code).toBe(2);
    } finally {
      process.env = saved;
    }
  });
});
