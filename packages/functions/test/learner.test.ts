import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';
import { learnerLoop } from './support/learner-loop.js';

/**
 * The learner's loop: pnpm step:start / check / diff / solution on a scratch
 * folder, called as code (src/learner/commands.ts: what the bin runs after
 * parsing its command line), plus one run of the real bin. Scratch folders live
 * inside the package so they resolve the same packages as a real one.
 */
// Each step:check builds the folder and runs the step's tests in a child vitest
// (about 5 s on an idle 2-core machine, more with every package testing at once).
const loop = learnerLoop();
const { step } = loop;
let dir = '';
let scratch = '';
beforeAll(() => {
  dir = loop.dir();
  scratch = loop.scratch();
});

/** The real bin, in a child process: its output is exactly what the learner's terminal shows. */
async function stepBin(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/tsx'),
    ['scripts/step.ts', ...args],
    {
      cwd: FUNCTIONS_PACKAGE_DIR,
      // A room this machine joined (.kit/room.json) must not hear of the test's checks.
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        KIT_WORKSPACE_DIR: dir,
        KIT_ROOM_FILE: join(scratch, 'no-room.json'),
      },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, output };
}

describe('the learner workspace', { timeout: 180_000 }, () => {
  it('starts step 3 from step 2’s finished code, with step 3’s .env.example', async () => {
    const result = await step('start', '3');
    expect(result.code).toBe(0);
    expect(result.output).toContain('step-02 の完成コードから開始');
    expect(result.output).toContain(
      '名前を変える: src/functions/token.ts → src/functions/voice-token.ts',
    );
    expect(await readdir(join(dir, 'src/functions'))).toEqual(['token.ts']);
    expect(await readFile(join(dir, '.env.example'), 'utf8')).toContain('TOKEN_TTL_SECONDS=');
  });

  it('checks the folder with step 3’s own tests and names the missing concepts in Japanese', async () => {
    const result = await step('check', '3');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/0 件成功 \/ \d+ 件失敗/);
    // Step 2's folder has token.ts: the first thing to fix is its name.
    expect(result.output).toContain('token.ts の名前を voice-token.ts に変えてください');
    expect(result.output).toContain('「3-7 宛先と発信元の検査」');
  });

  it('starts over from the reference when the folder did not pass, keeping the work as a backup', async () => {
    const token = join(dir, 'src/functions/token.ts');
    await writeFile(token, '// my work\n', { flag: 'a' });
    const restarted = await step('start', '3');
    expect(restarted.code).toBe(0);
    expect(restarted.output).toContain('合格していないため');
    const backups = (await readdir(scratch)).filter((name) => name.startsWith('workspace.backup-'));
    expect(backups).toHaveLength(1);
    expect(restarted.output).toContain(backups[0]);
    expect(
      await readFile(join(scratch, backups[0] ?? '', 'src/functions/token.ts'), 'utf8'),
    ).toContain('// my work');
    expect(await readFile(token, 'utf8')).not.toContain('// my work');
  });

  it('passes once the reference solution is in, and shows the diff against it', async () => {
    expect((await step('solution', '3')).code).toBe(0);
    const checked = await step('check', '3');
    expect(checked.output).toContain('すべて成功しました');
    expect(checked.output).toContain('次へ: pnpm step:start 4');
    expect(checked.code).toBe(0);

    await writeFile(join(dir, 'src/functions/call.protected.ts'), '// learner edit\n', {
      flag: 'a',
    });
    const diff = await step('diff', '3');
    expect(diff.output).toContain('+// learner edit');
    expect(diff.output).toContain('call.protected.ts');
  });

  it('carries the learner’s own passing code on to the next step, and names what it lacks', async () => {
    await step('solution', '3');
    const mine = join(dir, 'src/functions/call.protected.ts');
    await writeFile(mine, '// written by me\n', { flag: 'a' });
    expect((await step('check', '3')).code).toBe(0);
    const next = await step('start', '4');
    expect(next.code, next.output).toBe(0);
    expect(next.output).toContain('あなたのコード(手順3 に合格)から');
    expect(await readFile(mine, 'utf8')).toContain('// written by me');
    expect(await readFile(join(dir, '.env.example'), 'utf8')).toContain('WORKSHOP_PASSCODE=');
    const checked = await step('check', '4');
    expect(checked.code).toBe(1);
    // Step 03's folder has no twiml-app.json and no passcode yet: each has its own hint.
    expect(checked.output).toContain('twiml-app.json に { "voiceUrl": "/call"');
    expect(checked.output).toContain('「4-1 合言葉」');
  });

  it('starts over from the previous step’s finished code with --reference, even over passing code', async () => {
    // The folder now holds the learner's passing step 3 code. The check of step 2's
    // finished code, with its rename hint, is the second test of this file.
    const result = await step('start', '3', '--reference');
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('step-02 の完成コードから開始');
    expect(result.output).toContain(
      '名前を変える: src/functions/token.ts → src/functions/voice-token.ts',
    );
    expect(await readdir(join(dir, 'src/functions'))).toEqual(['token.ts']);
  });

  it('reports a folder that does not build with the learner’s file and line, no stack trace', async () => {
    await step('solution', '3');
    await writeFile(join(dir, 'src/functions/call.protected.ts'), 'exports.handler = (\n');
    const result = await step('check', '3');
    expect(result.code).toBe(1);
    expect(result.output).toContain('読み込めませんでした');
    expect(result.output).toMatch(/src\/functions\/call\.protected\.ts:\d+:\d+/);
    expect(result.output).not.toMatch(/^\s+at |build-step\.ts|node_modules/m);
  });

  it('tells a learner on step 1 which file to create, in the kit’s words only (the real bin)', async () => {
    await rm(dir, { recursive: true, force: true });
    expect((await stepBin('start', '1')).code).toBe(0);
    const result = await stepBin('check', '1');
    expect(result.code).toBe(1);
    expect(result.output).toContain('src/functions/hello-voice.ts がありません');
    expect(result.output).not.toMatch(/^\s+at |Error:|ELIFECYCLE|build-step\.ts/m);
  });
});
