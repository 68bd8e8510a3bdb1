import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';

/** The compiled CLI (`npm run test:stress` builds first). */
export const BIN = new URL('../../bin/syndicate.js', import.meta.url).pathname;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it answers truthy; throws with `what` after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs: number, everyMs = 250): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve().then(check).catch(() => undefined as T);
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** GET on loopback; answers status and body (never throws on a status). */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, timeout: 5_000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
  });
}

/** The value of one Prometheus series in a /metrics body (0 when absent). */
export function metric(body: string, series: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/**
 * A feed document per source, each entry its own story: random words (from a hash of the entry's number) in title
 * and text, so that no two entries look alike to the dedup stage's fingerprint or near-duplicate matching.
 */
export function makeFeed(sourceIndex: number, entries: number): string {
  const word = (n: number, w: number) => createHash('sha256').update(`${n}/${w}`).digest('base64').replace(/[^a-z]/g, '').slice(0, 7) || 'word';
  const items = Array.from({ length: entries }, (_, i) => {
    const n = sourceIndex * 10_000 + i;
    const text = Array.from({ length: 60 }, (_, w) => word(n, w)).join(' ');
    const title = Array.from({ length: 6 }, (_, w) => word(n, 100 + w)).join(' ');
    return `<item><guid>s${sourceIndex}-e${i}</guid><link>http://127.0.0.1/s${sourceIndex}/story-${i}</link><title>Story ${n}: ${title}</title><pubDate>${new Date(Date.UTC(2026, 0, 1) + n * 60_000).toUTCString()}</pubDate><description>${text}.</description></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Source ${sourceIndex}</title><link>http://127.0.0.1/s${sourceIndex}/</link><description>test</description>${items.join('')}</channel></rss>`;
}

/** Writes a config file for the role processes. */
export function writeConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'syn-stress-'));
  const path = join(dir, 'syndication.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** One `syndicate start --roles <role>` process, with its health port and log file. */
export class RoleProcess {
  child: ChildProcess | null = null;
  exitCode: number | null = null;

  constructor(
    readonly name: string,
    readonly roles: string,
    readonly port: number,
    readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
  ) {}

  start(): void {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'start', '--roles', this.roles], { env: { ...process.env, ...this.env, PORT: String(this.port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.exitCode = null;
    child.on('exit', (code) => (this.exitCode = code));
    this.child = child;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    await until(`${this.name} ready`, async () => (await get(`${this.url}/readyz`)).status === 200, timeoutMs, 300);
  }

  async metrics(): Promise<string> {
    return (await get(`${this.url}/metrics`)).body;
  }

  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); answers the exit code. */
  async stop(graceMs = 20_000): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}

/** Starts `count` processes of each role, each on a port of its own; answers them by name (`fetch#1`, …). */
export async function startRoleProcesses(roles: string[], count: number, env: NodeJS.ProcessEnv): Promise<{ processes: RoleProcess[]; logDir: string }> {
  const logDir = mkdtempSync(join(tmpdir(), 'syn-stress-logs-'));
  const processes: RoleProcess[] = [];
  for (const role of roles) {
    for (let i = 1; i <= count; i++) {
      const process = new RoleProcess(`${role}#${i}`, role, await freePort(), env, join(logDir, `${role}-${i}.log`));
      process.start();
      processes.push(process);
    }
  }
  return { processes, logDir };
}
