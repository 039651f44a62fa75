import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpsProxyAgent } from 'hpagent';

export interface SimpleResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

let proxyAgent: HttpsProxyAgent | undefined;

/**
 * One request, the answer read whole. `https://` goes through HTTP_PROXY when
 * it is set (an HTTPS CONNECT proxy, as `@twilio-labs/serverless-api` and the
 * deploy script use it), so a deployed domain is reached by the same route.
 */
export function fetchText(url: string, options: RequestOptions = {}): Promise<SimpleResponse> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const secure = url.startsWith('https:');
  const proxy = process.env.HTTP_PROXY;
  if (secure && proxy && !proxyAgent) {
    const caPath = process.env.NODE_EXTRA_CA_CERTS;
    proxyAgent = new HttpsProxyAgent({
      proxy,
      keepAlive: false,
      ...(caPath && { ca: readFileSync(caPath) }),
    });
  }
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.timeoutMs ?? 10_000,
        ...(secure && proxyAgent && { agent: proxyAgent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
