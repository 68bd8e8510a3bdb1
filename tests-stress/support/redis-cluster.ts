import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether nothing listens on a loopback port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive ports whose cluster bus ports (+10000) are free too. */
async function clusterPorts(count: number): Promise<number[]> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const all = await Promise.all([...ports, ...ports.map((p) => p + 10_000)].map(portFree));
    if (all.every(Boolean)) return ports;
  }
}

/** Polls `check` until it holds, or throws naming `what` after `timeoutMs`. */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** A Redis Cluster of local masters (no replicas) on loopback ports of its own. */
export interface LocalCluster {
  ports: number[];
  /** The seed nodes, as `REDIS_CLUSTER_NODES` and `RuntimeEnv.redisCluster` take them. */
  nodes: Array<{ host: string; port: number }>;
  /** `redis-cli -p PORT ARGS…` of one node, its output trimmed. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The slot Redis Cluster hashes a key (or a hash tag) to. */
  keySlot(key: string): Promise<number>;
  /** Kills the servers (by PID: only the ones started here) and removes their directory. */
  stop(): void;
}

/**
 * Starts `masters` `redis-server --cluster-enabled yes` on free loopback ports, joins them with
 * `redis-cli --cluster create` and waits until every node reports `cluster_state:ok`.
 */
export async function startLocalCluster(masters = 3): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'syn-cluster-'));
  const ports = await clusterPorts(masters);
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
        ...['--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
      ],
      { stdio: 'ignore' },
    ),
  );
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();
  const stop = () => {
    for (const server of servers) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitUntil(`redis-server on ${port}`, async () => (await cli(port, 'ping')) === 'PONG', 20_000);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await waitUntil(`cluster ok on ${port}`, async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'), 30_000);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    ports,
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    cli,
    keySlot: async (key) => Number(await cli(ports[0]!, 'cluster', 'keyslot', key)),
    stop,
  };
}
