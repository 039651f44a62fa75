import { request } from 'node:https';
import { HttpsProxyAgent } from 'hpagent';

export interface SimpleResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

// One agent per process: HTTP_PROXY is honoured the way @twilio-labs/serverless-api
// honours it (a CONNECT proxy via hpagent), so the smoke test reaches the
// deployed domain by the same route as the deploy itself.
let proxyAgent: HttpsProxyAgent | undefined;
function agentFor(): HttpsProxyAgent | undefined {
  const proxy = process.env.HTTP_PROXY;
  if (!proxy) return undefined;
  proxyAgent ??= new HttpsProxyAgent({ proxy, keepAlive: false });
  return proxyAgent;
}

export function httpsRequest(
  url: string,
  options: {
    method: 'GET' | 'POST';
    form?: Record<string, string>;
    headers?: Record<string, string>;
  },
): Promise<SimpleResponse> {
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const agent = agentFor();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method, headers, timeout: 20_000, ...(agent && { agent }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
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
