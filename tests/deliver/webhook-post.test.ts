import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbandonGroups, PostAbortedError, RESPONSE_KEEP_BYTES, WebhookPost } from '../../src/deliver/webhook-post.js';
import { AllowList, createGuardedAgent } from '../../src/net/address-guard.js';
import { startServer, startUnresponsiveListener, type LoopbackServer } from '../support/http.js';

describe('WebhookPost against a real loopback endpoint', () => {
  let endpoint: LoopbackServer;
  const agent = new Agent();
  const headers = ['content-type', 'application/json', 'webhook-id', 'msg_test'];
  const post = (path: string, timeoutMs = 2_000) => new WebhookPost(timeoutMs).start(agent, endpoint.url, path, headers, Buffer.from('{"a":1}'), timeoutMs);

  beforeAll(async () => {
    endpoint = await startServer((request, response) => {
      if (request.url === '/empty') return void response.writeHead(204).end();
      if (request.url === '/throttle') return void response.writeHead(429, { 'retry-after': '7' }).end('slow down');
      if (request.url === '/redirect') return void response.writeHead(302, { location: '/empty' }).end();
      if (request.url === '/huge') return void response.writeHead(200).end('x'.repeat(1_000_000));
      if (request.url === '/drip') {
        // Each chunk well within the chunk timeout, the whole body far beyond the attempt's time.
        response.writeHead(200);
        const timer = setInterval(() => response.write('.'), 50);
        response.on('close', () => clearInterval(timer));
        return;
      }
      if (request.url === '/silent') return; // never answers
      response.writeHead(200).end(`echo ${request.headers['webhook-id']} ${request.body}`);
    });
  });

  afterAll(async () => {
    await agent.close();
    await endpoint.close();
  });

  it('answers the status, the body and the Retry-After header, and sends the given headers and body', async () => {
    expect(await post('/echo').answer).toEqual({ status: 200, retryAfter: undefined, head: 'echo msg_test {"a":1}' });
    expect(await post('/empty').answer).toEqual({ status: 204, retryAfter: undefined, head: '' });
    expect(await post('/throttle').answer).toEqual({ status: 429, retryAfter: '7', head: 'slow down' });
  });

  it('does not follow redirects', async () => {
    const before = endpoint.requests.filter((r) => r.url === '/empty').length;
    expect((await post('/redirect').answer).status).toBe(302);
    expect(endpoint.requests.filter((r) => r.url === '/empty')).toHaveLength(before);
  });

  it('keeps only the first 4 KB of a large answer', async () => {
    const answer = await post('/huge').answer;
    expect(answer.status).toBe(200);
    expect(answer.head).toBe('x'.repeat(RESPONSE_KEEP_BYTES));
  });

  it('ends a body that trickles in past the attempt time, though every chunk arrives in time', async () => {
    const started = performance.now();
    await expect(post('/drip', 300).answer).rejects.toMatchObject({ why: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('is abandoned with its group once the budget is spent', async () => {
    const groups = new AbandonGroups(150);
    // As in a fan-out: no timeout of its own, the group's budget ends it.
    const silent = new WebhookPost();
    groups.watch(silent, Date.now());
    const started = performance.now();
    const outcome = silent.start(agent, endpoint.url, '/silent', headers, '{}', 5_000).answer.catch((err: unknown) => err);
    const quick = post('/empty');
    groups.watch(quick, Date.now());
    expect((await quick.answer).status).toBe(204);
    const err = await outcome;
    groups.stop();
    expect(err).toBeInstanceOf(PostAbortedError);
    expect((err as PostAbortedError).why).toBe('abandoned');
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1_000);
  });

  it('ends on time when the endpoint never completes the TCP handshake', async () => {
    const blackhole = await startUnresponsiveListener();
    try {
      const started = performance.now();
      // The attempt's own timeout covers connecting too (undici's connect timeout is 10 s).
      const hung = new WebhookPost(300).start(agent, blackhole.url, '/hook', headers, '{}', 300);
      await expect(hung.answer).rejects.toMatchObject({ why: 'timeout' });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(290);
      expect(waited).toBeLessThan(1_500);
    } finally {
      blackhole.close();
    }
  });

  it('carries the private-address guard: a host name resolving to loopback is refused at connect time', async () => {
    const guarded = createGuardedAgent(new AllowList([]));
    try {
      const port = new URL(endpoint.url).port;
      const refused = new WebhookPost(2_000).start(guarded, `http://localhost:${port}`, '/echo', headers, '{}', 2_000);
      await expect(refused.answer).rejects.toMatchObject({ code: 'SYN_ERR_FETCH_BLOCKED_ADDRESS' });
      // The same name once allowed goes through: the guard, not the endpoint, refused it.
      const allowed = createGuardedAgent(new AllowList(['localhost']));
      expect((await new WebhookPost(2_000).start(allowed, `http://localhost:${port}`, '/empty', headers, '{}', 2_000).answer).status).toBe(204);
      await allowed.close();
    } finally {
      await guarded.close();
    }
  });

  it('aborts at once when told to before the request has a connection', async () => {
    const early = new WebhookPost(5_000);
    early.abort(new PostAbortedError('abandoned'));
    early.start(agent, endpoint.url, '/silent', headers, '{}', 5_000);
    await expect(early.answer).rejects.toMatchObject({ why: 'abandoned' });
  });
});
