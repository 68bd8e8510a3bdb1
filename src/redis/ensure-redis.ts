import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { SyndicateError } from '../core/errors.js';

/** How Redis was found: already answering, or started by us (then `stop()` ends it). */
export interface RedisHandle {
  url: string;
  startedHere: boolean;
  stop(): Promise<void>;
}

/** Answers whether something speaks Redis at `url` (a PING within `timeoutMs`). */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('+PONG') || chunk.toString().startsWith('-NOAUTH')));
  });
}

function commandExists(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      accessSync(resolve(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Finds Redis as the contract says: `url` if it answers; else, when `mayStart` (only the one-command demo: no
 * `--roles`, no `REDIS_URL`), that is a local address and `redis-server` is on the PATH, a private server on it
 * with data under `dataDir` and AOF on. Throws `SYN_ERR_REDIS_UNAVAILABLE` with one line saying how to get Redis
 * otherwise.
 */
export async function ensureRedis(
  url: string,
  dataDir = './data',
  log: (msg: string) => void = () => {},
  { mayStart = false }: { mayStart?: boolean } = {},
): Promise<RedisHandle> {
  if (await redisAnswers(url)) return { url, startedHere: false, stop: async () => {} };
  const { hostname, port } = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname);
  if (!mayStart || !local || !commandExists('redis-server')) {
    throw new SyndicateError(
      'SYN_ERR_REDIS_UNAVAILABLE',
      `no Redis answers at ${url}: start one (e.g. 'apt-get install redis-server' or 'docker run -p 6379:6379 redis:7') or set REDIS_URL`,
    );
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      port || '6379',
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'ignore', detached: false },
  );
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url, 200)) {
      log(`no Redis answered at ${url}: started a private redis-server (data in ${dir}, AOF on)`);
      return {
        url,
        startedHere: true,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new SyndicateError('SYN_ERR_REDIS_UNAVAILABLE', `started redis-server on port ${port || 6379} but it did not answer within 5 s`);
}
