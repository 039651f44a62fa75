import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestText } from '../src/node/http.js';

let server: Server;
let base = '';
const seen: { method?: string; type?: string; length?: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      seen.push({
        ...(req.method && { method: req.method }),
        ...(req.headers['content-type'] && { type: req.headers['content-type'] }),
        ...(req.headers['content-length'] && { length: req.headers['content-length'] }),
        body,
      });
      if (req.url === '/slow') return; // never answers
      res.writeHead(201, { 'content-type': 'text/plain; charset=utf-8', 'x-kit': 'yes' });
      res.end('こんにちは');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requestText', () => {
  it('sends a form and reads the whole answer, headers and status', async () => {
    const response = await requestText(`${base}/form`, { method: 'POST', form: { a: '1 2' } });
    expect(response).toMatchObject({
      status: 201,
      contentType: 'text/plain; charset=utf-8',
      body: 'こんにちは',
    });
    expect(response.headers['x-kit']).toBe('yes');
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      length: '5',
      body: 'a=1+2',
    });
  });

  it('gives up after timeoutMs', async () => {
    await expect(requestText(`${base}/slow`, { timeoutMs: 100 })).rejects.toThrow(/timeout/);
  });
});
