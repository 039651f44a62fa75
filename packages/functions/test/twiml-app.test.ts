import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTwimlApp, TWIML_APP_FILE } from '../src/twiml-app.js';

async function folderWith(content: string | null): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kit-twiml-app-'));
  if (content !== null) await writeFile(join(dir, TWIML_APP_FILE), content);
  return dir;
}

describe('readTwimlApp', () => {
  it('reads a Voice URL path and method', async () => {
    const dir = await folderWith('{"voiceUrl":"/call","voiceMethod":"POST"}');
    expect(await readTwimlApp(dir)).toEqual({
      ok: true,
      config: { voiceUrl: '/call', voiceMethod: 'POST' },
    });
  });

  it('returns null for a step without a TwiML App', async () => {
    expect(await readTwimlApp(await folderWith(null))).toBeNull();
  });

  it.each([
    ['{', 'JSON'],
    ['{"voiceUrl":"https://evil.example/call","voiceMethod":"POST"}', 'voiceUrl'],
    ['{"voiceUrl":"call","voiceMethod":"POST"}', 'voiceUrl'],
    ['{"voiceUrl":"/call","voiceMethod":"PUT"}', 'voiceMethod'],
    ['{"voiceUrl":"/call","voiceMethod":"GET"}', 'voiceMethod'],
    ['null', 'voiceUrl'],
  ])('explains what is wrong with %s', async (content, field) => {
    const read = await readTwimlApp(await folderWith(content));
    expect(read?.ok).toBe(false);
    if (read && !read.ok) expect(read.problem).toContain(field);
  });
});
