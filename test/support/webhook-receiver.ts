import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  readonly body: string;
  readonly json: Record<string, unknown>;
}

/** How to answer the `index`-th request (0-based): a status, or a status after a delay. */
export type Responder = (request: Received, index: number) => number | { status: number; delayMs?: number; body?: string };

/** A real HTTP server on 127.0.0.1 that records what it is sent. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: Received[];
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startReceiver(responder: Responder = () => 200): Promise<WebhookReceiver> {
  let respond = responder;
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        json = {};
      }
      const request = { headers: req.headers, body, json };
      received.push(request);
      const answer = respond(request, received.length - 1);
      const { status, delayMs = 0, body: text = '' } = typeof answer === 'number' ? { status: answer } : answer;
      const send = () => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      };
      if (delayMs === 0) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond(next) {
      respond = next;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
