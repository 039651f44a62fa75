import { readFile } from 'node:fs/promises';
import { usageProblem } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './support/kit-run.js';

/**
 * The command lines of `pnpm setup:twilio`, `deploy:step` and `teardown:step`,
 * read strictly: a misspelt option or a missing value stops the command with
 * exit 2 and its usage before any request reaches (the fake) Twilio and before
 * `.env` is touched.
 */
let ws: Workspace;
let envBefore: string;

beforeAll(async () => {
  ws = await createWorkspace();
  envBefore = await readFile(ws.envPath, 'utf8');
});

afterAll(async () => {
  await ws?.close();
});

/** The reason, then the usage: Japanese (使い方) before English (usage). */
function expectUsage(stderr: string, reason: string, command: string): void {
  expect(usageProblem(stderr, reason, `pnpm ${command}`)).toBeUndefined();
}

describe('instructor commands: command line', () => {
  it.each([
    ['setup:twilio', ['--froce'], 'setup-twilio', '知らないオプションです: --froce'],
    ['deploy:step', ['4', '--froce'], 'deploy-step', '知らないオプションです: --froce'],
    ['deploy:step', ['4', '--dir'], 'deploy-step', '--dir の後にフォルダーを指定してください。'],
    ['teardown:step', ['4', '--froce'], 'teardown-step', '知らないオプションです: --froce'],
    // teardown:step has no --dry-run: refused, not ignored while it deletes.
    ['teardown:step', ['4', '--dry-run'], 'teardown-step', '知らないオプションです: --dry-run'],
  ] as const)(
    'pnpm %s %j: exit 2 with the usage, nothing sent',
    async (command, args, script, reason) => {
      const result = await ws.run(script, [...args]);
      expect(result.code, result.output).toBe(2);
      expectUsage(result.stderr, reason, command);
      expect(result.stdout).toBe('');
      expect(ws.fake.requests).toEqual([]);
      expect(await readFile(ws.envPath, 'utf8')).toBe(envBefore);
    },
  );

  it('deploy:step without a step number lists the steps (exit 2)', async () => {
    const result = await ws.run('deploy-step', ['--dry-run']);
    expect(result.code).toBe(2);
    expectUsage(
      result.stderr,
      '手順番号を指定してください(例: pnpm deploy:step 4)。',
      'deploy:step',
    );
    expect(result.stderr).toContain('  5: ');
    expect(ws.fake.requests).toEqual([]);
  });

  it.each([
    ['setup:twilio', 'setup-twilio'],
    ['teardown:step', 'teardown-step'],
  ] as const)(
    'pnpm %s --help prints the usage on stdout (exit 0), nothing sent',
    async (command, script) => {
      const result = await ws.run(script, ['--help']);
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith(`使い方: pnpm ${command}`)).toBe(true);
      expect(result.stdout).toContain(`(usage: pnpm ${command}`);
      expect(ws.fake.requests).toEqual([]);
    },
  );
});
