import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freePort, metric, roleEnv, RoleProcess, sleep, timedGet, until, useStressRig, writeConfig } from './support/harness.js';
import { report } from './support/report.js';

/**
 * WebSub and HTTP floods against the running system (one process with every role), beside a good source: hub
 * subscribe floods from many addresses (through a trusted proxy's X-Forwarded-For) and from one, verification floods
 * against callbacks that answer slowly, forged verifications and big-bodied pushes to our callback, feeds whose hub
 * answers endlessly or drips, and oversized URLs and header blocks. Throughout, `/healthz` answers within a second;
 * at the end the good source's stories are published, and the hub's state in Redis stays within its caps.
 */
const PER_SOURCE = 5;
const HUB = {
  requestsPerMinute: 40,
  verificationConcurrency: 4,
  maxQueuedVerifications: 40,
  verificationTimeout: '2s',
  maxSubscriptionsPerTopic: 15,
  maxSubscriptionsPerCallbackHost: 25,
};

/** A hostile server: feeds that name a hub which answers endlessly or drips, and callbacks that answer verifications slowly. */
async function startHostile() {
  let base = '';
  let verificationsInFlight = 0;
  let maxVerificationsInFlight = 0;
  let verifications = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const url = new URL(req.url ?? '/', 'http://x');
    const feed = (hub: string) =>
      res
        .writeHead(200, { 'content-type': 'application/atom+xml' })
        .end(
          `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile ${hub}</title><link rel="hub" href="${base}/${hub}"/><link rel="self" href="${base}${url.pathname}"/><entry><id>urn:hostile:${hub}</id><title>Hostile entry ${hub}</title><link href="https://hostile.example/${hub}"/><updated>2025-06-10T09:00:00Z</updated><content type="html">&lt;p&gt;Nothing to see.&lt;/p&gt;</content></entry></feed>`,
        );
    if (url.pathname === '/endless-hub.atom') return feed('hub-endless');
    if (url.pathname === '/drip-hub.atom') return feed('hub-drip');
    if (url.pathname === '/hub-endless') {
      res.writeHead(202);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      return pump();
    }
    if (url.pathname.startsWith('/slow-callback')) {
      // A verification answered one byte at a time for 1.5 s, then not with the challenge. Counted out when the
      // answer ends here, before the hub can see it end, so the count is an upper bound of the hub's.
      verifications++;
      verificationsInFlight++;
      maxVerificationsInFlight = Math.max(maxVerificationsInFlight, verificationsInFlight);
      res.writeHead(200);
      const timer = setInterval(() => !res.destroyed && res.write('.'), 200);
      const finish = () => {
        if (res.writableEnded) return;
        clearInterval(timer);
        verificationsInFlight--;
        res.end('not the challenge');
      };
      setTimeout(finish, 1_500);
      res.on('close', finish);
      return;
    }
    if (url.pathname === '/hub-drip') {
      // A hub reply one byte every 200 ms, never finished.
      res.writeHead(200);
      const timer = setInterval(() => !res.destroyed && res.write('.'), 200);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    stats: () => ({ verifications, maxVerificationsInFlight }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Raw bytes in, the status line of the answer out (empty when none came within `waitMs`). */
function rawStatus(port: number, bytes: string | Buffer, waitMs = 5_000): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body, ms: performance.now() - started });
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (/\r\n\r\n/.test(answer) && answer.length > answer.indexOf('\r\n\r\n') + 4) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    setTimeout(done, waitMs);
    socket.write(bytes);
  });
}

/** Runs `count` tasks with at most `parallel` at once; answers their results in order. */
async function pool<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

const tally = (statuses: number[]) => statuses.reduce<Record<string, number>>((t, s) => ((t[s] = (t[s] ?? 0) + 1), t), {});

describe('hostile WebSub and HTTP clients beside a good source', () => {
  const rig = useStressRig(2, PER_SOURCE);

  it('keeps /healthz under a second, publishes the good source and keeps the hub within its caps', async () => {
    const hostile = await startHostile();
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const extra = [
      `  fetchTimeout: 3s`,
      'network:',
      '  allowHosts: [127.0.0.1, localhost]',
      '  trustedProxies: [127.0.0.1]',
      'websub:',
      '  hub:',
      ...Object.entries(HUB).map(([k, v]) => `    ${k}: ${v}`),
    ];
    // writeConfig writes network: and limits: itself; the hostile sources and these settings replace its network block.
    const configPath = writeConfig(rig.feeds.url, 1, rig.receiver.url, extra.join('\n'));
    const yaml = readFileSync(configPath, 'utf8')
      .replace('network:\n  allowHosts: [127.0.0.1, localhost]\n', '')
      .replace(
        'channels:',
        [
          `  - { id: endless-hub, name: Endless hub, url: '${hostile.base}/endless-hub.atom', interval: 1h, fullText: never }`,
          `  - { id: drip-hub, name: Drip hub, url: '${hostile.base}/drip-hub.atom', interval: 1h, fullText: never }`,
          'channels:',
        ].join('\n'),
      );
    writeFileSync(configPath, yaml);
    const system = new RoleProcess('', port, { ...roleEnv(rig.redis.url, configPath), PUBLIC_URL: api }, mkdtempSync(join(tmpdir(), 'syn-stress-websub-')));
    rig.processes.set('all', system);
    system.start();
    await system.ready();

    // /healthz every 100 ms for the whole run.
    const health: number[] = [];
    /** Per attack: how long it took and the worst /healthz latency while it ran. */
    const phases: Record<string, { ms: number; worstHealthMs: number }> = {};
    let phase = 'start';
    let phaseStart = Date.now();
    const enter = (next: string) => {
      phases[phase] = { ms: Date.now() - phaseStart, worstHealthMs: phases[phase]?.worstHealthMs ?? 0 };
      phase = next;
      phaseStart = Date.now();
    };
    // The prober runs in a process of its own, so the floods this process sends never delay its measurements.
    const prober = spawn(
      process.execPath,
      [
        '-e',
        `setInterval(async () => { const t = performance.now(); let ok = false; try { ok = (await fetch(${JSON.stringify(`${api}/healthz`)}, { signal: AbortSignal.timeout(5000) })).status === 200; } catch {} console.log(ok ? performance.now() - t : -1); }, 100);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    prober.stdout!.setEncoding('utf8');
    let partial = '';
    prober.stdout!.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const ms = Number(line) < 0 ? Number.POSITIVE_INFINITY : Number(line);
        health.push(ms);
        phases[phase] = { ms: 0, worstHealthMs: Math.round(Math.max(phases[phase]?.worstHealthMs ?? 0, ms)) };
      }
    });
    // The hub's own count of verifications running, from its /metrics, every 100 ms.
    let maxRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const body = (await timedGet(`${api}/metrics`, {}, 5_000)).body;
        maxRunning = Math.max(maxRunning, metric(body, 'syndicate_websub_verifications{state="running"}'));
        await sleep(100);
      }
    })();
    const rssBefore = metric(await system.metrics(), 'syndicate_process_resident_memory_bytes');
    const started = Date.now();
    const topic = (format: string) => `${api}/feeds/all.${format}`;
    const hubPost = (form: Record<string, string>, client: string) =>
      fetch(`${api}/websub`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(30_000),
      })
        .then(async (r) => ({ status: r.status, code: r.status >= 400 ? ((await r.json()) as { error: { code: string } }).error.code : '' }))
        .catch(() => ({ status: 0, code: '' }));

    const status = async (id: string) =>
      (
        (await (await fetch(`${api}/api/v1/sources/${id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
          source: { status: { websub: { state: string; error: string | null } | null } };
        }
      ).source;
    // Start-up done (the first fetches, the hubs' answers recorded), so the floods below are what is measured.
    await until('the good source published', async () => rig.receiver.received.filter((d) => d.type === 'item.published').length >= PER_SOURCE, 120_000);
    await until('the hostile hubs answered', async () => (await status('drip-hub')).status.websub?.state === 'failed', 60_000);
    // A second good source, added now: its stories go through the pipeline while the floods run.
    const added = await fetch(`${api}/api/v1/sources/src-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Source 1', url: `${rig.feeds.url}/feed/1.rss`, interval: '1h', fullText: 'never' }),
    });
    expect(added.status).toBe(201);
    enter('subscribe-flood');
    // 1. Subscribe flood from 100 addresses: 400 requests, each a new callback that answers its verification by drips.
    const flood = await pool(400, 20, (i) =>
      hubPost(
        { 'hub.mode': 'subscribe', 'hub.topic': topic(['rss', 'atom', 'json'][i % 3]!), 'hub.callback': `${hostile.base}/slow-callback/${i}` },
        `198.51.100.${i % 100}`,
      ),
    );
    const floodCodes = tally(flood.map((r) => r.status));

    enter('single-address');
    // 2. One address alone, 200 requests: the rate limit answers past 40 a minute.
    const single = await pool(200, 10, () =>
      hubPost({ 'hub.mode': 'subscribe', 'hub.topic': topic('atom'), 'hub.callback': `${hostile.base}/slow-callback/one` }, '203.0.113.1'),
    );
    const singleCodes = tally(single.map((r) => r.status));

    enter('forged-verifications');
    // 3. Forged verifications at our callback: every source id, random topics and leases, and denials.
    const forged = await pool(600, 20, async (i) => {
      const id = ['src-0', 'endless-hub', 'drip-hub', `nobody-${i}`][i % 4];
      const query = new URLSearchParams({
        'hub.mode': i % 5 === 0 ? 'denied' : 'subscribe',
        'hub.topic': `https://forged.example/${i}`,
        'hub.challenge': `c${i}`,
        'hub.lease_seconds': '999999999',
      });
      return (await timedGet(`${api}/websub/${id}?${query.toString()}`, {}, 10_000)).status;
    });
    const forgedCodes = tally(forged);

    enter('big-bodies');
    // 4. Pushes announcing 9 MB bodies, none sent: answered before reading.
    const bigHead = (id: string) => `POST /websub/${id} HTTP/1.1\r\nHost: x\r\nContent-Type: application/atom+xml\r\nContent-Length: 9000000\r\n\r\n`;
    const bigBodies = await pool(150, 15, (i) => rawStatus(port, bigHead(['src-0', 'endless-hub', `nobody-${i}`][i % 3]!)));
    const bigCodes = tally(bigBodies.map((r) => r.status));

    enter('oversized');
    // 5. Oversized URLs and header blocks, and malformed request lines.
    const headers = Array.from({ length: 300 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(80)}\r\n`).join('');
    const oversized = await pool(300, 15, (i) =>
      rawStatus(
        port,
        i % 3 === 0
          ? `GET /feeds/all.atom?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`
          : i % 3 === 1
            ? `GET /healthz HTTP/1.1\r\nHost: x\r\n${headers}\r\n`
            : 'NOT HTTP AT ALL\r\n\r\n',
      ),
    );
    const oversizedCodes = tally(oversized.map((r) => r.status));
    const floodsMs = Date.now() - started;

    enter('settle');
    // The good source's stories are published; the hostile sources' status names what their hubs did.
    const storiesOf = async (sourceId: string) => {
      const { items } = (await (await fetch(`${api}/api/v1/items?limit=200`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
        items: Array<{ source: { id: string } }>;
      };
      return items.filter((item) => item.source.id === sourceId).length;
    };
    await until('the source added during the floods published', async () => (await storiesOf('src-1')) === PER_SOURCE, 60_000);
    const endless = await until(
      'the endless hub recorded',
      async () => ((await status('endless-hub')).status.websub?.state ? status('endless-hub') : null),
      30_000,
    );
    const drip = await until(
      'the drip hub recorded',
      async () => ((await status('drip-hub')).status.websub?.state === 'failed' ? status('drip-hub') : null),
      30_000,
    );
    // Verifications still waiting end within their timeout (2 s each, 4 at a time).
    await until(
      'the verification queue to drain',
      async () => {
        const before = hostile.stats().verifications;
        await sleep(3_000);
        return hostile.stats().verifications === before;
      },
      120_000,
      0,
    );
    enter('end');
    prober.kill();
    sampling = false;
    await sampler;

    const { inspector } = rig;
    const keys = inspector.keys;
    const perTopic = await Promise.all(['rss', 'atom', 'json'].map((f) => inspector.redis.hlen(keys.websubSubscriptions(topic(f)))));
    const perHost = await inspector.redis.hlen(keys.websubCallbackHost('127.0.0.1'));
    const expiries = await inspector.redis.zcard(keys.websubExpiries);
    const rateKeys = (await inspector.redis.keys(`${keys.hubRateLimit}*`)).length;
    const rssAfter = metric(await system.metrics(), 'syndicate_process_resident_memory_bytes');
    // Throughout the attacks (start-up, measured in phase 'start', is not an attack).
    const worstHealthMs = Math.max(
      ...Object.entries(phases)
        .filter(([name]) => name !== 'start')
        .map(([, p]) => p.worstHealthMs),
    );
    const figures = {
      floodsMs,
      healthProbes: health.length,
      worstHealthMs: Math.round(worstHealthMs),
      phases,
      subscribeFlood: floodCodes,
      singleAddress: singleCodes,
      verificationsSent: hostile.stats().verifications,
      maxVerificationsRunning: maxRunning,
      maxVerificationsSeenByCallbacks: hostile.stats().maxVerificationsInFlight,
      forgedVerifications: forgedCodes,
      bigBodies: bigCodes,
      bigBodiesWorstMs: Math.round(Math.max(...bigBodies.map((r) => r.ms))),
      oversized: oversizedCodes,
      subscriptionsPerTopic: perTopic,
      subscriptionsOnCallbackHost: perHost,
      expiryIndex: expiries,
      rateLimitKeys: rateKeys,
      endlessHub: endless.status.websub,
      dripHub: drip.status.websub,
      rssMbBefore: Math.round(rssBefore / 1e6),
      rssMbAfter: Math.round(rssAfter / 1e6),
    };
    report('hostile-websub', figures);
    await hostile.close();

    expect(worstHealthMs, JSON.stringify(figures)).toBeLessThan(1_000);
    // Flood: every answer is a 202 or a documented refusal; the queue and the caps refused most.
    expect(Object.keys(floodCodes).sort()).toEqual(expect.arrayContaining(['202']));
    for (const r of flood) expect([202, 403, 429]).toContain(r.status);
    expect(flood.filter((r) => r.status === 429).every((r) => r.code === 'SYN_ERR_RATE_LIMITED')).toBe(true);
    expect(flood.filter((r) => r.status === 403).every((r) => r.code === 'SYN_ERR_WEBSUB_LIMIT')).toBe(true);
    expect(maxRunning).toBeGreaterThan(0);
    expect(maxRunning).toBeLessThanOrEqual(HUB.verificationConcurrency);
    expect(singleCodes['429']).toBeGreaterThanOrEqual(200 - HUB.requestsPerMinute);
    // Nothing a callback dripped was verified: no subscription stored; the state is within the caps in any case.
    for (const n of perTopic) expect(n).toBeLessThanOrEqual(HUB.maxSubscriptionsPerTopic);
    expect(perHost).toBeLessThanOrEqual(HUB.maxSubscriptionsPerCallbackHost);
    expect(rateKeys).toBeLessThanOrEqual(101);
    // Forged verifications: all refused; the good source's polling is untouched.
    expect(forgedCodes).toEqual({ 404: 600 });
    expect((await status('src-0')).status.websub).toBeNull();
    // Big bodies: answered without reading them (410 or 202), fast.
    for (const r of bigBodies) expect([202, 410]).toContain(r.status);
    // Oversized and malformed: 431 and 400, in the documented shape.
    for (const [i, r] of oversized.entries()) {
      expect(r.status).toBe(i % 3 === 2 ? 400 : 431);
      expect(JSON.parse(r.body).error.code).toBe('SYN_ERR_BAD_REQUEST');
    }
    expect(endless.status.websub?.state).toBe('pending');
    expect(drip.status.websub?.error).toMatch(/^SYN_ERR_WEBSUB_SUBSCRIBE_FAILED/);
    expect(rssAfter - rssBefore).toBeLessThan(300e6);
  });
});
