import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalCredentials } from '@kit/functions/local-env';
import { STEPS, stepDocPath } from '@kit/shared';
import { freePort } from '@kit/shared/ports';
import { startCommand } from '@kit/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHECK_SECTION,
  CONSOLE_HEADING,
  LOCAL_HEADING,
  outputProblems,
  readPageChecks,
} from './page-checks.js';
import { DOCS_DIR, REPO_ROOT } from './paths.js';

/**
 * Every command a step page's 「手元で確かめる」 gives, run as a reader runs it:
 * from the repository root, against `pnpm dev:step N` (the launcher's own script,
 * as the root command runs it), with the output compared to the page.
 */

/** What the pages ask the reader to put in `.env` before the check (step 4's text says so). */
const PAGE_ENV: Record<number, Record<string, string>> = {
  4: { WORKSHOP_PASSCODE: 'sakura', ALLOWED_ORIGINS: 'https://example.com' },
};

const LAUNCHER_DIR = join(REPO_ROOT, 'packages/launcher');
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGTERM');
});

async function startStep(step: number, env: Record<string, string>) {
  const server = startCommand(
    join(LAUNCHER_DIR, 'node_modules/.bin/tsx'),
    ['scripts/dev.ts', String(step)],
    { cwd: LAUNCHER_DIR, env: { ...process.env, FORCE_COLOR: '0', ...env } },
  );
  running.push(server.child);
  await server.waitFor('Ctrl-C');
  return server.child;
}

function scratchEnvFile(extra: Record<string, string>) {
  const values = { ...generateLocalCredentials(), ...extra };
  const file = join(mkdtempSync(join(tmpdir(), 'kit-page-')), '.env');
  writeFileSync(
    file,
    Object.entries(values)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );
  return { file, values };
}

describe.each(STEPS.map((step) => [step.number, stepDocPath(step)] as const))(
  'step %i page',
  (stepNumber, docPath) => {
    const checks = readPageChecks(join(DOCS_DIR, docPath));

    it('has a 確かめる section with both routes', () => {
      expect(checks.headings).toEqual(
        expect.arrayContaining([CHECK_SECTION, LOCAL_HEADING, CONSOLE_HEADING]),
      );
      expect(checks.commands.length, `no command under ${LOCAL_HEADING}`).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(PAGE_ENV[stepNumber] ?? {})) {
        expect(checks.text, `the page must tell the reader ${name}=${value}`).toContain(
          `${name}=${value}`,
        );
      }
    });

    it('shows what its commands print', { timeout: 240_000 }, async () => {
      const port = await freePort();
      const env = scratchEnvFile(PAGE_ENV[stepNumber] ?? {});
      const processEnv = {
        PORT: String(port),
        EMULATOR_PORT: String(await freePort()),
        KIT_ENV_FILE: env.file,
      };
      const server = await startStep(stepNumber, processEnv);
      const problems: string[] = [];
      for (const command of checks.commands) {
        const script = command.script.replaceAll(':3000', `:${port}`);
        const run = spawnSync('bash', ['-c', script], {
          cwd: REPO_ROOT,
          env: { ...process.env, ...processEnv, FORCE_COLOR: '0' },
          encoding: 'utf8',
          timeout: 60_000,
        });
        const where = `${docPath}:${command.line}`;
        const output = `${run.stdout}${run.stderr}`;
        if (run.status !== 0) problems.push(`${where}: exit ${run.status}\n${output}`);
        else if (!command.expected) problems.push(`${where}: no output block after the command`);
        else {
          const shown = command.expected.text.replaceAll(':3000', `:${port}`);
          for (const problem of outputProblems(command.expected.language, shown, run.stdout))
            problems.push(`${where} → ${docPath}:${command.expected.line}: ${problem}`);
        }
        for (const secret of [env.values.AUTH_TOKEN, env.values.API_SECRET]) {
          if (output.includes(secret)) problems.push(`${where}: a secret reached the output`);
        }
      }
      server.kill('SIGTERM');
      expect(problems).toEqual([]);
    });
  },
);
