import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { copySolution } from '@kit/functions/workspace';
import { findStep, type Step } from '@kit/shared';
import { freePort } from '@kit/shared/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Launched, launch } from '../src/launch.js';

/**
 * `pnpm dev:step 4 --workspace` as code (the command itself is tested in
 * dev.test.ts): a learner's saves are served without a restart.
 */
const step = findStep(4) as Step;
let scratch: string;
let dir: string;
let launched: Launched;
let base: string;
const lines: string[] = [];

/** Waits for the launcher to print a line matching `pattern` after `from` lines. */
async function printed(pattern: RegExp, from: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const line = lines.slice(from).find((candidate) => pattern.test(candidate));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no line matching ${pattern} in:\n${lines.slice(from).join('\n')}`);
}

async function edit(file: string, change: (code: string) => string): Promise<number> {
  const path = join(dir, file);
  const before = await readFile(path, 'utf8');
  const after = change(before);
  expect(after, `the edit must change ${file}`).not.toBe(before);
  const mark = lines.length;
  await writeFile(path, after);
  return mark;
}

beforeAll(async () => {
  const root = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
  await mkdir(root, { recursive: true });
  scratch = await mkdtemp(join(root, 'reload-'));
  dir = join(scratch, 'workspace');
  await copySolution(step, dir);
  // A Voice URL that no Function answers, from the start.
  await writeFile(
    join(dir, 'twiml-app.json'),
    '{ "voiceUrl": "/call.protected", "voiceMethod": "POST" }\n',
  );
  process.env.KIT_WORKSPACE_DIR = dir;
  launched = await launch({
    step,
    port: await freePort(),
    emulatorPort: await freePort(),
    useWorkspace: true,
    envFile: join(scratch, '.env'),
    processEnv: {},
    log: (line) => lines.push(line),
  });
  base = `http://127.0.0.1:${launched.server.port}`;
}, 60_000);
afterAll(async () => {
  await launched?.close();
  delete process.env.KIT_WORKSPACE_DIR;
  await rm(scratch, { recursive: true, force: true });
});

describe('live reload of the served folder', { timeout: 30_000 }, () => {
  it('warns at launch when the Voice URL matches no Function, and follows twiml-app.json when it is fixed', async () => {
    expect(lines.join('\n')).toContain('voiceUrl "/call.protected" に答える Function がありません');
    const mark = await edit('twiml-app.json', (code) => code.replace('/call.protected', '/call'));
    await printed(/twiml-app\.json の変更を反映しました/, mark);
    // The new Voice URL is read and announced after the rebuild line, a moment later:
    // waited for, not expected at once (under load the check ran in between).
    const announced = await printed(/\[emulator\] Voice URL: /, mark);
    expect(announced).toContain(`Voice URL: ${base}/call`);
    // The warning, had there been one, is logged in the same step as that line.
    expect(lines.slice(mark).join('\n')).not.toContain('答える Function がありません');
  });

  it('serves a saved change on the next request, with one line per rebuild', async () => {
    const mark = await edit('src/functions/voice-token.ts', (code) =>
      code.replace(
        "'identity は半角英数字と _ - . の 1〜64 文字にしてください。'",
        "'identity を確かめてください(保存した版)。'",
      ),
    );
    const line = await printed(
      /↻ src\/functions\/voice-token\.ts の変更を反映しました\(\d+ ms\)/,
      mark,
    );
    expect(line).toBeDefined();
    const response = await fetch(`${base}/voice-token?identity=%3Cx%3E`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'identity_invalid', message: 'identity を確かめてください(保存した版)。' },
    });
  });

  it('prints a build error at file:line, answers 503 from Functions, keeps the phone page, and recovers', async () => {
    const good = await readFile(join(dir, 'src/functions/call.protected.ts'), 'utf8');
    const mark = await edit('src/functions/call.protected.ts', (code) =>
      code.replace('exports.handler = function (', 'exports.handler = function ((('),
    );
    const error = await printed(/ビルドできません/, mark);
    expect(lines.slice(mark).join('\n')).toMatch(/src\/functions\/call\.protected\.ts:\d+:\d+/);
    expect(error).toContain('call.protected.ts');
    const refused = await fetch(`${base}/voice-token?identity=alice`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      error: { code: 'build_failed', message: expect.stringContaining('call.protected.ts:') },
    });
    expect((await fetch(`${base}/index.html`)).status).toBe(200);

    const fixed = lines.length;
    await writeFile(join(dir, 'src/functions/call.protected.ts'), good);
    await printed(/call\.protected\.ts の変更を反映しました/, fixed);
    expect((await fetch(`${base}/voice-token?identity=alice`)).status).toBe(200);
  });

  it('serves a new Function as soon as its file is saved', async () => {
    const mark = lines.length;
    await writeFile(
      join(dir, 'src/functions/hello.ts'),
      "exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {\n  callback(null, { hello: 'world' });\n};\n",
    );
    await printed(/hello\.ts の変更を反映しました/, mark);
    expect(await (await fetch(`${base}/hello`)).json()).toEqual({ hello: 'world' });
  });
});
