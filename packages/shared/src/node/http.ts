import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { type Agent, request as httpsRequest } from 'node:https';
import { HttpsProxyAgent } from 'hpagent';

export interface TextResponse {
  status: number;
  /** `HTTP/1.1 200 OK`, as a person reading the answer expects it. */
  statusLine: string;
  headers: IncomingHttpHeaders;
  /** `content-type`, or '' when there is none. */
  contentType: string;
  body: string;
}

export interface TextRequestOptions {
  method?: string;
  /** Sent as `application/x-www-form-urlencoded`; pairs keep their order and may repeat a key. */
  form?: Record<string, string> | readonly (readonly [string, string])[];
  headers?: Record<string, string>;
  timeoutMs?: number;
  /**
   * The HTTPS CONNECT proxy for an `https://` URL (and the CA its TLS is
   * checked with, for a proxy made by a test); by default HTTP_PROXY, if set.
   */
  proxy?: { url: string; ca?: string | Buffer };
}

/**
 * One agent per HTTP_PROXY value: a CLI's environment does not change under it,
 * but a test that runs commands in its own process points it at each fake in turn.
 */
const environmentProxyAgents = new Map<string, Agent>();

function proxyAgentFor(options: TextRequestOptions): Agent | undefined {
  if (options.proxy) {
    const { url, ca } = options.proxy;
    return new HttpsProxyAgent({ proxy: url, keepAlive: false, ...(ca !== undefined && { ca }) });
  }
  const proxy = process.env.HTTP_PROXY;
  if (!proxy) return undefined;
  // NODE_EXTRA_CA_CERTS needs no `ca` here: Node adds it to the default CAs at startup.
  let agent = environmentProxyAgents.get(proxy);
  if (!agent) {
    agent = new HttpsProxyAgent({ proxy, keepAlive: false });
    environmentProxyAgents.set(proxy, agent);
  }
  return agent;
}

/**
 * One request, the answer read whole. An `https://` URL goes through HTTP_PROXY
 * when it is set, as a CONNECT proxy via hpagent the way
 * `@twilio-labs/serverless-api` uses it, so the deploy's smoke test and the
 * doctor reach a deployed domain by the same route as the deploy itself.
 */
export function requestText(url: string, options: TextRequestOptions = {}): Promise<TextResponse> {
  const body = options.form
    ? new URLSearchParams(options.form as Record<string, string> | [string, string][]).toString()
    : undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const secure = url.startsWith('https:');
  const agent = secure ? proxyAgentFor(options) : undefined;
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs ?? 10_000,
        ...(agent && { agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusLine:
              `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trimEnd(),
            headers: res.headers,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`timeout: ${url}`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A request's body, at most `limit` bytes; null past that. Past the limit it stops
 * reading and pauses the request without destroying it, so the caller's 413 still
 * goes out (answer it with `connection: close`: the rest is never read). Rejects
 * when the request fails before its end.
 */
export function readBodyUpTo(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      request.pause();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
