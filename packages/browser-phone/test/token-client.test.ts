import { describe, expect, it } from 'vitest';
import { fetchVoiceToken } from '../src/token-client.js';

const request = { url: 'http://127.0.0.1:3000/voice-token', identity: 'alice', passcode: '' };

/** A fetch that records what it was asked and answers as a server would. */
function answering(status: number, body: unknown) {
  const seen: { url: string; body: string }[] = [];
  const fetchImpl = async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), body: String(init?.body ?? '') });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { seen, fetchImpl: fetchImpl as typeof fetch };
}

describe('fetchVoiceToken', () => {
  it('posts the identity URL-encoded and the passcode only when given', async () => {
    const server = answering(200, { token: 'a.b.c', identity: 'a.b-c_d', ttlSeconds: 600 });
    await fetchVoiceToken({ ...request, identity: 'a.b-c_d' }, server.fetchImpl);
    await fetchVoiceToken({ ...request, passcode: 'さくら &x' }, server.fetchImpl);
    expect(server.seen[0]?.body).toBe('identity=a.b-c_d');
    expect(server.seen[1]?.body).toBe('identity=alice&passcode=%E3%81%95%E3%81%8F%E3%82%89+%26x');
  });

  it('returns the token, its identity and lifetime', async () => {
    const body = { token: 'a.b.c', identity: 'alice', ttlSeconds: 600 };
    expect(await fetchVoiceToken(request, answering(200, body).fetchImpl)).toEqual({
      ok: true,
      token: 'a.b.c',
      identity: 'alice',
      ttlSeconds: 600,
    });
  });

  it('refuses an answer without a token', async () => {
    const body = { identity: 'alice', ttlSeconds: 1 };
    expect(await fetchVoiceToken(request, answering(200, body).fetchImpl)).toMatchObject({
      ok: false,
      code: 'bad_response',
    });
  });

  it("passes the server's Japanese error through", async () => {
    const error = { error: { code: 'passcode_invalid', message: '合言葉(passcode)が違います。' } };
    expect(await fetchVoiceToken(request, answering(401, error).fetchImpl)).toEqual({
      ok: false,
      ...error.error,
    });
  });

  it('explains failures that carry no error body', async () => {
    expect(await fetchVoiceToken(request, answering(502, '<html>').fetchImpl)).toMatchObject({
      ok: false,
      code: 'http_502',
    });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const result = await fetchVoiceToken(request, offline);
    expect(result).toMatchObject({ ok: false, code: 'network' });
  });
});
