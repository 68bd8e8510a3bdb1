import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { effectiveSubscription } from '../../src/catalog/catalog.js';
import { startSystem } from '../../src/runtime/start.js';
import { ROLES } from '../../workers/index.js';
import { waitFor } from '../support/http.js';
import { ADMIN_AUTH, CLEANUP_TIMEOUT_MS, enqueueFanout, sampleItem, secretFor, startDeliverRig, type DeliverRigWithApi } from './helpers.js';

describe('the disabled state is one truth: API, PUT enabled: true, config re-seed', () => {
  let rig: DeliverRigWithApi;

  beforeAll(async () => {
    rig = await startDeliverRig('enable', {
      withApi: true,
      answer: (_req, res) => void res.writeHead(204).end(),
      config: (url) => ({ subscriptions: [{ id: 'trap', url: `${url}/trap`, secret: secretFor('enable-test') }] }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  const get = async () => JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions/trap', headers: ADMIN_AUTH })).body).subscription;
  const list = async () => JSON.parse((await rig.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: ADMIN_AUTH })).body).subscriptions;

  it('shows a disable, keeps it through a config re-seed with a warning at start, and lifts it on PUT enabled: true', async () => {
    await rig.system.ctx.endpoints.disable('trap', '410 Gone from the test', Date.now());
    const disabled = { enabled: false, disabledAt: expect.any(String), disabledReason: '410 Gone from the test' };
    expect(await get()).toMatchObject(disabled);
    expect(await list()).toEqual([expect.objectContaining({ id: 'trap', ...disabled })]);

    // A restart: another process on the same Redis seeds the catalog from the same config (enabled: true by default).
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, next) => void (lines.push(String(chunk)), next()) });
    const restarted = await startSystem(
      rig.system.env,
      parseConfig({ network: { allowHosts: ['127.0.0.1'] }, ...rig.config }),
      [ROLES.deliver],
      pino({ level: 'warn' }, sink),
    );
    await restarted.stop('test');
    expect(lines.some((l) => /subscription trap stays disabled/.test(l) && /410 Gone from the test/.test(l))).toBe(true);
    expect(await get()).toMatchObject(disabled);
    expect(await rig.system.ctx.catalog.get('subscriptions', 'trap')).toMatchObject({ enabled: false });

    // A PUT that leaves `enabled` out (an unrelated edit) keeps the disable, and says so.
    const edit = await rig.app.inject({
      method: 'PUT',
      url: '/api/v1/subscriptions/trap',
      headers: ADMIN_AUTH,
      payload: { url: `${rig.receiver.url}/trap`, secret: secretFor('enable-test') },
    });
    expect(JSON.parse(edit.body).subscription).toMatchObject(disabled);

    // PUT with enabled: true lifts it, everywhere.
    const put = await rig.app.inject({
      method: 'PUT',
      url: '/api/v1/subscriptions/trap',
      headers: ADMIN_AUTH,
      payload: { url: `${rig.receiver.url}/trap`, secret: secretFor('enable-test'), enabled: true },
    });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse(put.body).subscription).toMatchObject({ enabled: true });
    const lifted = await get();
    expect(lifted).toMatchObject({ enabled: true });
    expect(lifted.disabledAt).toBeUndefined();
    expect(await rig.system.ctx.endpoints.disabledState('trap')).toBeNull();
    await enqueueFanout(rig.system.ctx, ['trap'], 'item.published', sampleItem('after-enable'));
    await waitFor('delivery after the lift', () => rig.receiver.requests.length === 1, 5000);
  });
});

describe('effectiveSubscription', () => {
  const base = { id: 's', url: 'https://example.org/hook', secret: 'whsec_x', enabled: true };
  it('lets a disable record win over the entry, and drops stale disable fields without one', () => {
    expect(effectiveSubscription(base, { at: '2025-01-01T00:00:00.000Z', reason: 'gone' })).toEqual({
      ...base,
      enabled: false,
      disabledAt: '2025-01-01T00:00:00.000Z',
      disabledReason: 'gone',
    });
    expect(effectiveSubscription({ ...base, disabledAt: 'x', disabledReason: 'y' } as typeof base, null)).toEqual(base);
  });
});
