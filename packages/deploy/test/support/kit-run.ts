import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestText } from '@kit/shared/http';
import { type CommandRun, runCommand } from '@kit/shared/testing';
import { FakeTwilio } from './fake-twilio.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FUNCTIONS_STEPS_DIR = resolve(PACKAGE_DIR, '../functions/steps');

/** What the command printed and how it ended. */
export type CliResult = CommandRun;

export interface Workspace {
  dir: string;
  envPath: string;
  fake: FakeTwilio;
  account: { ACCOUNT_SID: string; AUTH_TOKEN: string };
  run(
    script: 'setup-twilio' | 'deploy-step' | 'teardown-step',
    args?: string[],
    extraEnv?: Record<string, string>,
  ): Promise<CliResult>;
  /** Calls a deployed domain through the fake from this process (as a browser would), e.g. to see it still serves. */
  fetchDeployed(
    url: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: string }>;
  /** A learner-style copy of a reference step (sources only), deployable with `--dir`. */
  copyStep(tag: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A scratch `.env`, a fake Twilio and a way to run the real CLI scripts as
 * child processes against it. The children get a clean environment: the
 * fake's proxy and CA, the scratch `.env`, nothing from the developer's shell.
 */
export async function createWorkspace(envLines: string[] = []): Promise<Workspace> {
  const root = join(PACKAGE_DIR, '.fake-twilio');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'run-'));
  const account = {
    ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
    AUTH_TOKEN: randomBytes(16).toString('hex'),
  };
  const envPath = join(dir, '.env');
  await writeFile(
    envPath,
    [
      '# 講師の .env(テスト用)',
      `ACCOUNT_SID=${account.ACCOUNT_SID}`,
      `AUTH_TOKEN=${account.AUTH_TOKEN}`,
      ...envLines,
      '',
    ].join('\n'),
  );
  const fake = await FakeTwilio.start({
    accountSid: account.ACCOUNT_SID,
    authToken: account.AUTH_TOKEN,
    workDir: join(dir, 'fake'),
  });

  return {
    dir,
    envPath,
    fake,
    account,
    run: (script, args = [], extraEnv = {}) =>
      runScript(join(PACKAGE_DIR, 'scripts', `${script}.ts`), args, {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        KIT_ENV_FILE: envPath,
        NO_COLOR: '1',
        // For measuring the CLI's coverage (c8 report): the children are where the code runs.
        ...(process.env.NODE_V8_COVERAGE && { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE }),
        ...fake.childEnv(),
        ...extraEnv,
      }),
    fetchDeployed: (url, form, headers = {}) =>
      requestText(url, { method: 'POST', form, headers, proxy: fake.requestProxy() }),
    copyStep: async (tag) => {
      const target = join(dir, tag);
      await cp(join(FUNCTIONS_STEPS_DIR, tag, 'src'), join(target, 'src'), { recursive: true });
      await cp(join(FUNCTIONS_STEPS_DIR, tag, 'package.json'), join(target, 'package.json'));
      // The TwiML App's declared Voice URL, for the steps that have one.
      const twimlApp = join(FUNCTIONS_STEPS_DIR, tag, 'twiml-app.json');
      if (existsSync(twimlApp)) await cp(twimlApp, join(target, 'twiml-app.json'));
      return target;
    },
    close: async () => {
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  return runCommand(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: PACKAGE_DIR,
    env,
  });
}
