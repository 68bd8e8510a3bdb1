import { mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHealthApp } from '../../src/api/health-app.js';
import { main } from '../../src/cli/main.js';
import { loadEnv, parseConfig } from '../../src/config/load-config.js';
import { ROLE_SET } from '../../workers/index.js';
import { openTestApp, testAuth } from '../support/app.js';

/** Writes raw bytes to a listening app and reads everything it answers until it closes the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.write(bytes);
  });
}

/** The status and the parsed JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(raw: string): { status: number; headers: string; body: { error: { code: string; message: string } } } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(body) };
}

describe('answers Node’s HTTP parser gives before fastify, in the documented shape', () => {
  const apps: FastifyInstance[] = [];
  const ports: Record<'api' | 'health', number> = { api: 0, health: 0 };
  let closeApi: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openTestApp('client-errors', {});
    closeApi = opened.close;
    const health = await buildHealthApp(opened.ctx);
    for (const [name, app] of [
      ['api', opened.app],
      ['health', health],
    ] as const) {
      await app.listen({ host: '127.0.0.1', port: 0 });
      ports[name] = (app.server.address() as AddressInfo).port;
      apps.push(app);
    }
  });

  afterAll(async () => {
    await apps[1]?.close();
    await closeApi?.();
  });

  for (const role of ['api', 'health'] as const) {
    it(`${role}: a 20 KB URL is a 431 SYN_ERR_BAD_REQUEST, and the connection closes`, async () => {
      const answer = parseAnswer(await rawExchange(ports[role], `GET /healthz?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
      expect(answer.status).toBe(431);
      expect(answer.headers).toContain('content-type: application/json');
      expect(answer.headers).toContain('connection: close');
      expect(answer.body).toEqual({ error: { code: 'SYN_ERR_BAD_REQUEST', message: 'the request line and headers are too large' } });
    });

    it(`${role}: a malformed request line or header is a 400 SYN_ERR_BAD_REQUEST`, async () => {
      for (const bytes of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 'GET /\x01 HTTP/1.1\r\n\r\n']) {
        const answer = parseAnswer(await rawExchange(ports[role], bytes));
        expect(answer.status, JSON.stringify(bytes)).toBe(400);
        expect(answer.body.error).toEqual({ code: 'SYN_ERR_BAD_REQUEST', message: 'the request is not valid HTTP' });
      }
    });
  }

  it('a huge header block is a 431 too, and the server keeps answering', async () => {
    const headers = Array.from({ length: 400 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(60)}\r\n`).join('');
    expect(parseAnswer(await rawExchange(ports.api, `GET /healthz HTTP/1.1\r\nHost: x\r\n${headers}\r\n`)).status).toBe(431);
    const fine = await rawExchange(ports.api, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(fine).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('the admin surface', () => {
  let readOnly: Awaited<ReturnType<typeof openTestApp>>;
  let writable: Awaited<ReturnType<typeof openTestApp>>;

  beforeAll(async () => {
    readOnly = await openTestApp('admin-readonly', {});
    writable = await openTestApp('admin-writable', { admin: { queueDashboardWritable: true } });
  });
  afterAll(async () => {
    await readOnly?.close();
    await writable?.close();
  });

  it('/admin and /admin/queues cannot be framed, signed in or not', async () => {
    for (const url of ['/admin', '/admin/queues', '/admin/queues/api/queues']) {
      for (const headers of [testAuth, {}]) {
        const answer = await readOnly.app.inject({ method: 'GET', url, headers });
        expect(answer.statusCode, url).toBe(Object.keys(headers).length ? 200 : 401);
        expect(answer.headers['content-security-policy'], url).toBe("frame-ancestors 'none'");
        expect(answer.headers['x-frame-options'], url).toBe('DENY');
      }
    }
  });

  it('Bull Board is read-only unless the config says otherwise', async () => {
    const listed = await readOnly.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: testAuth });
    const queues = listed.json().queues as Array<{ name: string; readOnlyMode: boolean }>;
    expect(queues.length).toBeGreaterThan(0);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    const pause = await readOnly.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/fetch/pause', headers: testAuth });
    expect(pause.statusCode).toBe(405);
    expect(pause.json().error.code).toBe('SYN_ERR_BAD_REQUEST');
    expect(await readOnly.ctx.queues.fetch.isPaused()).toBe(false);

    const paused = await writable.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/fetch/pause', headers: testAuth });
    expect(paused.statusCode).toBe(200);
    expect(await writable.ctx.queues.fetch.isPaused()).toBe(true);
    await writable.ctx.queues.fetch.resume();
  });
});

describe('weak secrets and tokens', () => {
  const key = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;
  const subscription = (secret: unknown) => ({ subscriptions: [{ id: 's', url: 'https://s.example/', secret }] });

  it('webhook secrets must decode to 24–64 bytes, and the refusal says how to make one', () => {
    for (const good of [key(24), key(32), key(64), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', [key(24), key(40)]])
      expect(() => parseConfig(subscription(good))).not.toThrow();
    for (const [bad, why] of [
      ['whsec_', 'decodes to 0'],
      [key(3), 'decodes to 3'],
      [key(23), 'decodes to 23'],
      [key(65), 'decodes to 65'],
      ['whsec_not base64!', 'must be base64'],
      [key(32).slice('whsec_'.length), 'must start with whsec_'],
    ] as const) {
      expect(() => parseConfig(subscription(bad)), bad).toThrow(why);
      expect(() => parseConfig(subscription(bad)), bad).toThrow('make one with: echo "whsec_$(openssl rand -base64 32)"');
    }
    expect(() => parseConfig(subscription([key(32), key(3)]))).toThrow(/subscriptions\.0\.secret\.1: .*decodes to 3/);
  });

  it('ADMIN_TOKEN must be at least 16 characters, or unset', () => {
    expect(loadEnv({ ADMIN_TOKEN: 'a'.repeat(16) }).adminToken).toBe('a'.repeat(16));
    expect(loadEnv({}).adminToken).toBeNull();
    for (const short of ['x', 'a'.repeat(15), '']) expect(() => loadEnv({ ADMIN_TOKEN: short })).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
  });

  /** `syndicate start` as the binary runs it, with the given environment; answers its exit code and stderr. */
  async function start(env: Record<string, string | undefined>): Promise<{ code: number; stderr: string }> {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      return { code: await main(['start', '--roles', 'api'], ROLE_SET), stderr };
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
  }

  it('a deployment with a short ADMIN_TOKEN or webhook secret refuses to start, naming the setting and how to make a new one', async () => {
    const token = await start({ ADMIN_TOKEN: 'short', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(token.code).toBe(1);
    expect(token.stderr).toMatch(/^ {2}ADMIN_TOKEN: must be at least 16 characters .*make one with: openssl rand -hex 16$/m);

    const path = join(mkdtempSync(join(tmpdir(), 'syndicate-weak-')), 'syndication.yaml');
    writeFileSync(path, 'subscriptions:\n  - { id: partner, url: "https://p.example/hook", secret: whsec_abc }\n');
    const secret = await start({ ADMIN_TOKEN: undefined, SYNDICATE_CONFIG: path, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(secret.code).toBe(1);
    expect(secret.stderr).toMatch(
      /^ {2}subscriptions\.0\.secret: the key after whsec_ must decode to 24–64 bytes, this one decodes to 2; make one with: echo/m,
    );
  });
});
