import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepServer } from '@kit/functions/server';
import { afterEach, describe, expect, it } from 'vitest';
import { voiceUrlSetting } from '../src/voice-url.js';

/** Only what voiceUrlSetting reads: the routes the server serves now. */
const serving = (...files: string[]) =>
  ({
    routes: {
      functions: files.map((file) => ({
        path: `/${file.replace(/(\.protected)?\.js$/, '')}`,
        filePath: `/step/dist/functions/${file}`,
      })),
    },
  }) as unknown as StepServer;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the Voice URL the emulator calls', () => {
  it("is the step's /call without twiml-app.json, with a warning naming the file to write when there is none", async () => {
    dir = await mkdtemp(join(tmpdir(), 'kit-voice-url-'));
    const missing = await voiceUrlSetting(dir, serving('token.js'), 'http://127.0.0.1:3000');
    expect(missing.url).toBe('http://127.0.0.1:3000/call');
    expect(missing.warning).toContain('src/functions/call.protected.ts を作ってください');
    expect(missing.warning).not.toContain('twiml-app.json');
    const present = await voiceUrlSetting(dir, serving('call.protected.js'), 'http://x');
    expect(present.warning).toBeNull();
  });

  it('quotes a twiml-app.json Voice URL that no Function answers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kit-voice-url-'));
    await writeFile(
      join(dir, 'twiml-app.json'),
      '{ "voiceUrl": "/call.protected", "voiceMethod": "POST" }',
    );
    const setting = await voiceUrlSetting(dir, serving('call.protected.js'), 'http://x');
    expect(setting.url).toBe('http://x/call.protected');
    expect(setting.warning).toContain('"/call.protected"');
    expect(setting.warning).toContain('"/call" にしてください');
  });
});
