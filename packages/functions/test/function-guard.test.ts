import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStep } from '../src/build/build-step.js';
import { TWILIO_EXECUTION_LIMIT_MS } from '../src/server/function-guard.js';
import { type StepServer, startStepServer } from '../src/server/index.js';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';

/**
 * What the local server does around a Function that the runtime alone does not:
 * Twilio's execution limit, late callbacks, and exceptions shown at the
 * learner's TypeScript line. A scratch step folder, built as a learner's is.
 */
const LIMIT_MS = 300;
const FUNCTIONS: Record<string, string> = {
  'ok.ts': `exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {
  callback(null, { version: 1 });
};
`,
  'silent.ts': `exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say('forgot the callback');
};
`,
  'late.ts': `exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {
  setTimeout(() => callback(null, { late: true }), ${LIMIT_MS * 2});
};
`,
  // The throw is on line 4 of the TypeScript; tsc drops the blank line and the comment stays.
  'throws.ts': `exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {

  const settings = undefined as unknown as { name: string };
  const name = settings.name;
  callback(null, { name });
};
`,
  'rejects.ts': `exports.handler = async function (context: Context, event: {}, callback: ServerlessCallback) {
  await Promise.resolve();
  throw new RangeError('async failure');
};
`,
};

let stepDir: string;
let server: StepServer;
const lines: string[] = [];

beforeAll(async () => {
  const root = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  await mkdir(root, { recursive: true });
  stepDir = await mkdtemp(join(root, 'guard-'));
  await mkdir(join(stepDir, 'src/functions'), { recursive: true });
  await mkdir(join(stepDir, 'src/assets'), { recursive: true });
  for (const [file, text] of Object.entries(FUNCTIONS)) {
    await writeFile(join(stepDir, 'src/functions', file), text);
  }
  await writeFile(join(stepDir, 'src/assets/page.html'), '<p>phone</p>');
  // CommonJS, as every step folder says: the package around it is an ES module package.
  await writeFile(join(stepDir, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  await buildStep({ stepDir, typeCheck: false });
  server = await startStepServer({
    stepDir,
    env: {},
    executionLimitMs: LIMIT_MS,
    callbackLesson: 'docs/steps/01-function.md の「1-2 callback」',
    log: (line) => lines.push(line),
  });
});
afterAll(async () => {
  await server?.close();
  await rm(stepDir, { recursive: true, force: true });
});

/** The first line matching `pattern`, waiting a little: an exception's line is written once its place is found. */
async function logged(pattern: RegExp): Promise<string | undefined> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const line = lines.find((candidate) => pattern.test(candidate));
    if (line || Date.now() > deadline) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Twilio's execution limit on the local server", () => {
  it('is 10 seconds, as Twilio documents it', () => {
    // "Function Request Flow" (twilio.com/docs/serverless/functions-assets/functions/request-flow):
    // a Function that runs past its 10-second limit gets HTTP 504 Gateway Time-out;
    // error 82002 ("Your Function timed out before responding … must contain a callback").
    expect(TWILIO_EXECUTION_LIMIT_MS).toBe(10_000);
  });

  it('answers 504 function_timeout when a Function never calls back, and says why in the terminal', async () => {
    const started = Date.now();
    const response = await fetch(`${server.url}/silent`);
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMIT_MS - 20);
    expect(await response.json()).toMatchObject({ error: { code: 'function_timeout' } });
    const line = await logged(/\/silent: .*callback/);
    expect(line).toContain('callback(null, 応答)');
    expect(line).toContain('「1-2 callback」');
    expect(line).toContain('82002');
  });

  it('ignores a callback that comes after the limit, and keeps serving', async () => {
    expect((await fetch(`${server.url}/late`)).status).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, LIMIT_MS * 2));
    expect(await logged(/\/late: 打ち切りの後/)).toBeDefined();
    const ok = await fetch(`${server.url}/ok`);
    expect(await ok.json()).toEqual({ version: 1 });
  });
});

describe('exceptions in a Function', () => {
  it("print the learner's TypeScript file and line", async () => {
    expect((await fetch(`${server.url}/throws`)).status).toBe(500);
    const line = await logged(/\/throws: 例外が発生しました/);
    expect(line).toContain('src/functions/throws.ts:4:');
    expect(line).toContain('TypeError');
  });

  it('answer 500 for an async handler that rejects, without stopping the server', async () => {
    expect((await fetch(`${server.url}/rejects`)).status).toBe(500);
    expect(await logged(/\/rejects: async の Function で例外/)).toContain(
      'RangeError: async failure',
    );
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
  });
});

describe('serving the code as it is now', () => {
  it('serves changed and new Functions after reload(), holding requests that arrive during the rebuild', async () => {
    let finish = () => {};
    const rebuild = new Promise<void>((resolve) => {
      finish = resolve;
    });
    server.holdRequestsUntil(rebuild);
    const waiting = fetch(`${server.url}/ok`).then((response) => response.json());
    await writeFile(
      join(stepDir, 'src/functions/ok.ts'),
      FUNCTIONS['ok.ts']?.replace('version: 1', 'version: 2') ?? '',
    );
    await writeFile(
      join(stepDir, 'src/functions/added.ts'),
      FUNCTIONS['ok.ts']?.replace('version: 1', "added: 'yes'") ?? '',
    );
    await buildStep({ stepDir, typeCheck: false });
    await server.reload();
    finish();
    expect(await waiting).toEqual({ version: 2 });
    expect(await (await fetch(`${server.url}/added`)).json()).toEqual({ added: 'yes' });
    expect(server.routes.functions.map((fn) => fn.path)).toContain('/added');
  });

  it('answers 503 build_failed from Functions while the folder does not build, and keeps the assets', async () => {
    server.setBuildProblem('src/functions/ok.ts:1:20: Expression expected.');
    const refused = await fetch(`${server.url}/ok`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      error: { code: 'build_failed', message: expect.stringContaining('src/functions/ok.ts:1:20') },
    });
    expect((await fetch(`${server.url}/page.html`)).status).toBe(200);
    server.setBuildProblem(null);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
  });
});
