import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRedis, redisAnswers } from '../../src/redis/ensure-redis.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('ensureRedis', () => {
  it('uses a Redis that answers without starting anything', async () => {
    const handle = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    expect(handle.startedHere).toBe(false);
  });

  it('starts a private redis-server with AOF under the data folder when nothing answers locally', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'syn-redis-'));
    const messages: string[] = [];
    const handle = await ensureRedis(url, dataDir, (msg) => messages.push(msg), { mayStart: true });
    try {
      expect(handle.startedHere).toBe(true);
      expect(await redisAnswers(url)).toBe(true);
      expect(messages[0]).toMatch(/started a private redis-server .*AOF on/);
    } finally {
      await handle.stop();
    }
    expect(await redisAnswers(url, 300)).toBe(false);
  });

  it('fails with one clear line when a remote Redis does not answer', async () => {
    await expect(ensureRedis('redis://192.0.2.1:6379'.replace('192.0.2.1', 'redis.invalid'))).rejects.toMatchObject({
      code: 'SYN_ERR_REDIS_UNAVAILABLE',
      message: expect.stringMatching(/^no Redis answers at redis:\/\/redis\.invalid:6379: start one/),
    });
  });
});
