import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StepServer, startStepServer } from '../src/server/index.js';
import {
  fakeContext,
  installRuntimeGlobals,
  invoke,
  loadHandler,
  responseParts,
} from './support/invoke.js';
import { stepUnderTest } from './support/step-under-test.js';

const { dir } = stepUnderTest('step-01');

/** A header of a Twilio.Response, whatever the case the learner wrote its name in. */
function headerOf(headers: Record<string, unknown>, name: string): unknown {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

describe('step-01 handlers', () => {
  beforeAll(() => installRuntimeGlobals(dir));

  it('hello-voice answers TwiML that says Japanese', async () => {
    const { error, payload } = await invoke(
      await loadHandler(dir, 'hello-voice.ts'),
      fakeContext({}),
      {},
    );
    expect(error).toBeNull();
    expect(payload).toBeInstanceOf(Twilio.twiml.VoiceResponse);
    expect(String(payload)).toMatch(/<Say language="ja-JP">[^<]+<\/Say>/);
  });

  it('hello-json greets by name', async () => {
    const { payload } = await invoke(await loadHandler(dir, 'hello-json.ts'), fakeContext({}), {
      name: '花子',
    });
    expect(payload).toMatchObject({ message: 'こんにちは、花子さん' });
  });

  // The page: without name, message is 「こんにちは、ゲストさん」; event values are checked to be strings.
  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a repeated name (an array)', { name: ['a', 'b'] }],
  ])('hello-json greets a guest (ゲスト) for %s', async (_label, event) => {
    const { error, payload } = await invoke(
      await loadHandler(dir, 'hello-json.ts'),
      fakeContext({}),
      event,
    );
    expect(error).toBeNull();
    expect(payload).toMatchObject({ message: 'こんにちは、ゲストさん' });
  });

  it('hello-json shows context.DOMAIN_NAME as domain and context.PATH as path', async () => {
    const context = fakeContext({}, '/hello-json');
    const { payload } = await invoke(await loadHandler(dir, 'hello-json.ts'), context, {
      name: '花子',
    });
    expect(payload).toEqual({
      message: 'こんにちは、花子さん',
      domain: 'localhost:3000',
      path: '/hello-json',
    });
  });

  it('hello-response sets status and headers', async () => {
    const event = { request: { cookies: {}, headers: { 'user-agent': 'test-agent' } } };
    const { payload } = await invoke(
      await loadHandler(dir, 'hello-response.ts'),
      fakeContext({}),
      event,
    );
    const response = responseParts(payload);
    expect(response.statusCode).toBe(201);
    expect(headerOf(response.headers, 'Content-Type')).toMatch(/^application\/json/);
    expect(headerOf(response.headers, 'X-Workshop-Step')).toBe('01');
  });

  it('hello-response answers { created, userAgent } read from event.request.headers', async () => {
    const event = { request: { cookies: {}, headers: { 'user-agent': 'test-agent' } } };
    const { payload } = await invoke(
      await loadHandler(dir, 'hello-response.ts'),
      fakeContext({}),
      event,
    );
    expect(responseParts(payload).body).toEqual({ created: true, userAgent: 'test-agent' });
  });
});

describe('step-01 on the real runtime', () => {
  let server: StepServer;
  beforeAll(async () => {
    server = await startStepServer({ stepDir: dir, env: {} });
  });
  afterAll(() => server?.close());

  it('serves TwiML as text/xml', async () => {
    const response = await fetch(`${server.url}/hello-voice`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toContain('<Say language="ja-JP">');
  });

  it('merges the query into event and answers JSON', async () => {
    const response = await fetch(`${server.url}/hello-json?name=Twilio`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ message: 'こんにちは、Twilioさん' });
  });

  it('answers the host it was called on as context.DOMAIN_NAME, and context.PATH', async () => {
    const response = await fetch(`${server.url}/hello-json?name=Twilio`);
    expect(await response.json()).toEqual({
      message: 'こんにちは、Twilioさん',
      domain: new URL(server.url).host,
      path: '/hello-json',
    });
  });

  it('applies Twilio.Response: status 201 and its headers', async () => {
    const response = await fetch(`${server.url}/hello-response`);
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-workshop-step')).toBe('01');
  });

  it('passes the User-Agent through event.request.headers', async () => {
    const response = await fetch(`${server.url}/hello-response`, {
      headers: { 'user-agent': 'workshop' },
    });
    expect(await response.json()).toEqual({ created: true, userAgent: 'workshop' });
  });

  it('serves its assets', async () => {
    const response = await fetch(`${server.url}/index.html`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/hello-voice');
  });

  it('answers 404 for what it does not have', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
