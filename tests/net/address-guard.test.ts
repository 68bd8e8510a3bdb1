import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { items, rss } from '../fetch/feeds.js';

describe('private-address guard on every redirect hop', () => {
  let server: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const port = new URL(server.url).port;
      if (req.url === '/to-loopback') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/private` }).end();
      if (req.url === '/to-metadata') return void res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-ula') return void res.writeHead(307, { location: 'http://[fd00::1]/' }).end();
      res.end(rss(items(1, 'Allowed')));
    });
    const port = new URL(server.url).port;
    const local = `http://localhost:${port}`;
    system = await startTestSystem(
      'fetch-guard',
      {
        // Only the name `localhost` is exempt: the first hop is allowed, a hop to an address literal is not.
        network: { allowHosts: ['localhost'] },
        limits: { fetchTimeout: '1s', shutdownGrace: '1s' },
        // fullText: never: the teaser items of these feeds link to example.com; article pages have a test of their own (full-text.test.ts).
        sources: [
          { id: 'ok', name: 'ok', url: `${local}/ok`, interval: '1h', fullText: 'never' },
          { id: 'to-loopback', name: 'a', url: `${local}/to-loopback`, interval: '1h', fullText: 'never' },
          { id: 'to-metadata', name: 'b', url: `${local}/to-metadata`, interval: '1h', fullText: 'never' },
          { id: 'to-ula', name: 'c', url: `${local}/to-ula`, interval: '1h', fullText: 'never' },
          { id: 'literal', name: 'd', url: `${server.url}/feed`, interval: '1h', fullText: 'never' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await server?.close();
  }, 60_000);

  it('refuses a redirect to loopback, cloud metadata and ULA addresses, and a private IP literal', async () => {
    const ok = await waitFor('the allowed source', async () => ((await system.ctx.sourceStatus.get('ok')).lastSuccessAt ? true : null));
    expect(ok).toBe(true);
    for (const id of ['to-loopback', 'to-metadata', 'to-ula', 'literal']) {
      const status = await waitFor(id, async () => {
        const s = await system.ctx.sourceStatus.get(id);
        return s.errorCode ? s : null;
      });
      expect(status.errorCode, id).toBe('SYN_ERR_FETCH_BLOCKED_ADDRESS');
    }
    expect(server.requests.map((r) => r.url)).not.toContain('/private');
    expect(server.requests.map((r) => r.url)).not.toContain('/feed');
  });
});
