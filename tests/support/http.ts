import { spawn } from 'node:child_process';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** A request a loopback server received, body read in full. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A real HTTP server on 127.0.0.1 with a random port, recording every request. */
export interface LoopbackServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a loopback server; `handler` answers each request (its body already read into `request.body`). */
export async function startServer(handler: (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(received);
      Promise.resolve(handler(received, res)).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A webhook receiver that accepts every request with 204 (each one kept in `requests`). */
export function startAcceptingReceiver(): Promise<LoopbackServer> {
  return startServer((_request, response) => void response.writeHead(204).end());
}

/** A feed server answering every request with one RSS document. */
export function serveRss(xml: string): Promise<LoopbackServer> {
  return startServer((_request, response) => void response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(xml));
}

/** Waits until `predicate` holds, polling every 50 ms; throws after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(what: string, predicate: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A loopback port whose connects never complete, as with a blackholed host: a child process listens with a backlog
 * of one and is stopped (SIGSTOP) so it never accepts; filler connections take the queue, and the kernel drops
 * further SYNs. A process of its own because Node accepts every connection a server of this process gets.
 */
export async function startUnresponsiveListener(): Promise<{ url: string; close(): void }> {
  const listen = "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>process.stdout.write(s.address().port+'\\n'))";
  const child = spawn(process.execPath, ['-e', listen], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim()))));
  child.kill('SIGSTOP');
  const fillers = Array.from({ length: 4 }, () => net.connect(port, '127.0.0.1').on('error', () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const filler of fillers) filler.destroy();
      child.kill('SIGKILL');
    },
  };
}
