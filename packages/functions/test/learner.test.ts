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

describe.each([2, 3, 4])('the loop for step %i', { timeout: 60_000 }, (stepNumber) => {
  it('fails on the previous step’s code and passes with the reference', async () => {
    expect((await step('start', String(stepNumber), '--force')).code).toBe(0);
    const unchanged = await step('check', String(stepNumber));
    expect(unchanged.code, unchanged.output).toBe(1);
    expect(unchanged.output).toMatch(/件失敗/);
    expect((await step('solution', String(stepNumber))).code).toBe(0);
    const solved = await step('check', String(stepNumber));
    expect(solved.code, solved.output).toBe(0);
  });
});

/** A mistake a learner could make, seeded into the reference, and the hint that must name it. */
const seededMistakes = [
  {
    step: 2,
    name: 'a token for someone other than "user"',
    file: 'src/functions/token.ts',
    seed: (code: string) => code.replace("identity: 'user'", "identity: 'guest'"),
    hint: 'identity を "user" にし',
  },
  {
    step: 3,
    name: 'incomingAllow left false',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) => code.replace('incomingAllow: true', 'incomingAllow: false'),
    hint: 'VoiceGrant に incomingAllow: true',
  },
  {
    step: 3,
    name: 'the identity not validated',
    file: 'src/functions/voice-token.ts',
    seed: (code: string) =>
      code.replace(
        'checkIdentity(event.identity)',
        '{ ok: true as const, identity: String(event.identity) }',
      ),
    hint: 'checkIdentity() で検査し',
  },
  {
    step: 4,
    name: '/call made public',
    file: 'src/functions/call.protected.ts',
    rename: 'src/functions/call.ts',
    seed: (code: string) => code,
    hint: 'call.protected.ts にしてください',
  },
] as const;

describe.each(seededMistakes)(
  'step:check on step $step with $name',
  { timeout: 60_000 },
  (mistake) => {
    it('fails with the hint that names it', async () => {
      await step('solution', String(mistake.step));
      const original = join(dir, mistake.file);
      const code = await readFile(original, 'utf8');
      const seeded = mistake.seed(code);
      expect(seeded === code && !('rename' in mistake), 'the seed must change something').toBe(
        false,
      );
      if ('rename' in mistake) await rm(original);
      await writeFile(join(dir, 'rename' in mistake ? mistake.rename : mistake.file), seeded);
      const result = await step('check', String(mistake.step));
      expect(result.code).toBe(1);
      expect(result.output).toContain(mistake.hint);
    });
  },
);
