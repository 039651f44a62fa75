import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedWebhook {
  url: string;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
}

export interface TwimlReply {
  status?: number;
  contentType?: string;
  body: string;
  delayMs?: number;
}

/**
 * A stand-in Voice URL: answers each POST with whatever the test set in
 * `reply` (a fixed reply, or one computed from the params) and records it.
 */
export class TwimlServer {
  readonly requests: RecordedWebhook[] = [];
  reply: TwimlReply | ((params: Record<string, string>) => TwimlReply) = {
    body: '<Response/>',
  };
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TwimlServer> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const twimlServer = new TwimlServer(server, `http://127.0.0.1:${port}/call`);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        twimlServer.requests.push({
          url: `http://${request.headers.host}${request.url}`,
          headers: request.headers,
          params,
        });
        const reply =
          typeof twimlServer.reply === 'function' ? twimlServer.reply(params) : twimlServer.reply;
        const send = () => {
          if (response.destroyed) return;
          response.writeHead(reply.status ?? 200, {
            'content-type': reply.contentType ?? 'text/xml',
          });
          response.end(reply.body);
        };
        if (!reply.delayMs) return send();
        const timer = setTimeout(() => {
          twimlServer.timers.delete(timer);
          send();
        }, reply.delayMs);
        twimlServer.timers.add(timer);
      });
    });
    return twimlServer;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
  }
}

/** `<Response><Dial …><Client>…</Client></Dial></Response>` for the given identities. */
export function dialTwiml(identities: string[], attributes = ''): string {
  const clients = identities.map((identity) => `<Client>${identity}</Client>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial${attributes ? ` ${attributes}` : ''}>${clients}</Dial></Response>`;
}
