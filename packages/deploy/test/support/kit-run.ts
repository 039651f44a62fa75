import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestText } from '@kit/shared/http';
import { type CommandRun, runCommand } from '@kit/shared/testing';
import { deployStepMain } from '../../src/commands/deploy-step.js';
import { setupTwilioMain } from '../../src/commands/setup-twilio.js';
import { teardownStepMain } from '../../src/commands/teardown-step.js';
import { FakeTwilio } from './fake-twilio.js';
import { trustCaInThisProcess } from './trust-ca.js';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FUNCTIONS_STEPS_DIR = resolve(PACKAGE_DIR, '../functions/steps');

/** What the command printed and how it ended. */
export type CliResult = CommandRun;

export type Script = 'setup-twilio' | 'deploy-step' | 'teardown-step';

/** The mains the bins in scripts/ call with the process's arguments, streams and environment. */
const MAINS = {
  'setup-twilio': setupTwilioMain,
  'deploy-step': deployStepMain,
  'teardown-step': teardownStepMain,
} as const;

export interface Workspace {
  dir: string;
  envPath: string;
  fake: FakeTwilio;
  account: { ACCOUNT_SID: string; AUTH_TOKEN: string };
  /**
   * Runs a command's main in this process (what nearly every test needs: the
   * command's code, its output and exit code), with the environment a child
   * would get: no child process, no `tsx` start, no second load of `twilio`.
   */
  run(script: Script, args?: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** The real bin as a child process (`node --import tsx scripts/…`): for the smoke tests of exit codes. */
  runChild(script: Script, args?: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
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
 * A scratch `.env`, a fake Twilio and two ways to run the real commands
 * against it: in this process (`run`) or as child processes (`runChild`).
 * Either way the command reads a clean environment: the fake's proxy and CA,
 * the scratch `.env`, nothing from the developer's shell.
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

  const commandEnv = (extraEnv: Record<string, string>) => ({
    PATH: process.env.PATH ?? '',
    HOME: dir,
    KIT_ENV_FILE: envPath,
    NO_COLOR: '1',
    ...fake.childEnv(),
    ...extraEnv,
  });
  // In this process, as NODE_EXTRA_CA_CERTS would in a child.
  const untrust = trustCaInThisProcess(readFileSync(fake.caPath, 'utf8'));
  return {
    dir,
    envPath,
    fake,
    account,
    run: (script, args = [], extraEnv = {}) => runInProcess(script, args, commandEnv(extraEnv)),
    runChild: (script, args = [], extraEnv = {}) =>
      runScript(join(PACKAGE_DIR, 'scripts', `${script}.ts`), args, {
        ...commandEnv(extraEnv),
        // For measuring the CLI's coverage (c8 report): the children are where the code runs.
        ...(process.env.NODE_V8_COVERAGE && { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE }),
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
      untrust();
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

/**
 * The libraries read these from the process environment when a command makes
 * its clients: for the length of one in-process run they hold what a child
 * would have been given (the fake's proxy; no edge, region or debug log).
 */
const LIBRARY_ENV = ['HTTP_PROXY', 'TWILIO_EDGE', 'TWILIO_REGION', 'DEBUG'] as const;

async function runInProcess(
  script: Script,
  args: string[],
  env: Record<string, string>,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const saved = LIBRARY_ENV.map((name) => [name, process.env[name]] as const);
  for (const name of LIBRARY_ENV) {
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    const code = await MAINS[script](args, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env,
    });
    return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
