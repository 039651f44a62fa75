import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS_PACKAGE_DIR } from '../src/steps-dir.js';

/**
 * The learner's loop as they run it: pnpm step:start / check / diff / solution,
 * as child processes on a scratch folder (dev:step --workspace: @kit/launcher). Scratch
 * folders live inside the package so they resolve the same packages as a real one.
 */
const SCRATCH_ROOT = join(FUNCTIONS_PACKAGE_DIR, '.test-workspaces');
let dir: string;
let scratch: string;

beforeAll(async () => {
  await mkdir(SCRATCH_ROOT, { recursive: true });
  scratch = await mkdtemp(join(SCRATCH_ROOT, 'run-'));
  dir = join(scratch, 'workspace');
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/tsx'), [script, ...args], {
    cwd: FUNCTIONS_PACKAGE_DIR,
    env: { ...process.env, FORCE_COLOR: '0', KIT_WORKSPACE_DIR: dir, ...extraEnv },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function step(...args: string[]): Promise<{ code: number | null; output: string }> {
  const run = runScript('scripts/step.ts', args);
  const [code] = (await once(run.child, 'close')) as [number | null];
  return { code, output: run.output() };
}

describe('the learner workspace', { timeout: 60_000 }, () => {
  it('starts step 3 from step 2’s finished code, with step 3’s .env.example', async () => {
    const result = await step('start', '3');
    expect(result.code).toBe(0);
    expect(result.output).toContain('step-02 から開始');
    expect(await readdir(join(dir, 'src/functions'))).toEqual(['token.ts']);
    expect(await readFile(join(dir, '.env.example'), 'utf8')).toContain('WORKSHOP_PASSCODE=');
  });

  it('checks the folder with step 3’s own tests and names the missing concepts in Japanese', async () => {
    const result = await step('check', '3');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/0 件成功 \/ \d+ 件失敗/);
    expect(result.output).toContain('VoiceGrant に incomingAllow: true');
    expect(result.output).toContain('<Say> で伝えて <Hangup>');
  });

  it('refuses to throw away the learner’s changes, and keeps a backup with --force', async () => {
    const token = join(dir, 'src/functions/token.ts');
    await writeFile(token, '// my work\n', { flag: 'a' });
    const refused = await step('start', '3');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('src/functions/token.ts');
    expect(await readFile(token, 'utf8')).toContain('// my work');

    const forced = await step('start', '3', '--force');
    expect(forced.code).toBe(0);
    const backups = (await readdir(scratch)).filter((name) => name.startsWith('workspace.backup-'));
    expect(backups).toHaveLength(1);
    expect(
      await readFile(join(scratch, backups[0] ?? '', 'src/functions/token.ts'), 'utf8'),
    ).toContain('// my work');
    expect(await readFile(token, 'utf8')).not.toContain('// my work');
  });

  it('passes once the reference solution is in, and shows the diff against it', async () => {
    expect((await step('solution', '3')).code).toBe(0);
    const checked = await step('check', '3');
    expect(checked.output).toContain('すべて成功しました');
    expect(checked.code).toBe(0);

    await writeFile(join(dir, 'src/functions/call.protected.ts'), '// learner edit\n', {
      flag: 'a',
    });
    const diff = await step('diff', '3');
    expect(diff.output).toContain('+// learner edit');
    expect(diff.output).toContain('call.protected.ts');
  });

  it('reports a folder that does not build, instead of a stack of failures', async () => {
    await writeFile(join(dir, 'src/functions/call.protected.ts'), 'export const handler = (\n');
    const result = await step('check', '3');
    expect(result.code).toBe(1);
    expect(result.output).toContain('読み込めませんでした');
    expect(result.output).toContain('call.protected.ts');
  });
});
