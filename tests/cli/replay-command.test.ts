import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { waitFor } from '../support/http.js';
import { CLEANUP_TIMEOUT_MS, enqueueEvent, sampleItem, secretFor, startDeliverRig, type DeliverRig } from '../deliver/helpers.js';

const SECRET = secretFor('cli-replay-test');

describe('syndicate replay (CLI)', () => {
  let rig: DeliverRig;
  let healthy = false;
  const saved = { ...process.env };

  beforeAll(async () => {
    rig = await startDeliverRig('clireplay', {
      answer: (_req, res) => void res.writeHead(healthy ? 204 : 500).end(),
      config: (url) => ({
        network: { allowHosts: ['127.0.0.1'] },
        subscriptions: [{ id: 'cli', url: `${url}/cli`, secret: SECRET }],
        delivery: { retrySchedule: ['50ms'], jitter: 0 },
      }),
    });
    // The CLI reads the same env and config file as `start`: point it at this test's Redis prefix and a config file.
    const dir = mkdtempSync(join(tmpdir(), 'syndicate-replay-'));
    writeFileSync(join(dir, 'syndication.yaml'), JSON.stringify(rig.config));
    Object.assign(process.env, { SYNDICATE_CONFIG: join(dir, 'syndication.yaml'), SYNDICATE_REDIS_PREFIX: rig.system.env.redisPrefix, LOG_LEVEL: 'silent' });
  });

  afterAll(async () => {
    process.env = saved;
    await rig?.close();
  }, CLEANUP_TIMEOUT_MS);

  it('replays one dead letter by job id, and all failed in a time range', async () => {
    const from = new Date().toISOString();
    const first = await enqueueEvent(rig.system.ctx, 'cli', 'item.published', sampleItem('cli-1'));
    const second = await enqueueEvent(rig.system.ctx, 'cli', 'item.published', sampleItem('cli-2'));
    const state = (id: string) => rig.system.ctx.queues.deliver.getJobState(id);
    await waitFor('dead letters', async () => (await state(first)) === 'failed' && (await state(second)) === 'failed');
    healthy = true;
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['replay', '--job', first])).toBe(0);
      await waitFor('first replayed', async () => (await state(first)) === 'completed');
      expect(await state(second)).toBe('failed');
      expect(await main(['replay', '--subscription', 'cli', '--from', from, '--to', new Date().toISOString()])).toBe(0);
      await waitFor('range replayed', async () => (await state(second)) === 'completed');
      expect(JSON.parse(String(out.mock.calls.at(-1)![0])).replayed.map((d: { jobId: string }) => d.jobId)).toEqual([second]);
    } finally {
      out.mockRestore();
    }
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['replay'])).toBe(1);
      expect(String(err.mock.calls[0]![0])).toMatch(/^syndicate: SYN_ERR_BAD_REQUEST: replay needs --job/);
    } finally {
      err.mockRestore();
    }
  });
});
