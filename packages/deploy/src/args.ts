import { resolve } from 'node:path';
import { STEPS, type Step } from '@kit/shared';
import { parseCommandLine, requireStep, type Usage } from '@kit/shared/cli';
import { commandEnv } from './output.js';

const SETUP_USAGE: Usage = {
  japanese: `使い方: pnpm setup:twilio
  .env の ACCOUNT_SID と AUTH_TOKEN のアカウントに API キーと TwiML App を作り(あれば再利用し)、
  API_KEY、API_SECRET、TWIML_APP_SID を .env に書き込みます(ほかの行はそのままです)。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm setup:twilio
  Creates (or reuses) the API key and TwiML App of the account in .env and writes API_KEY,
  API_SECRET and TWIML_APP_SID into .env, leaving its other lines alone.`,
};

const DEPLOY_USAGE: Usage = {
  japanese: `使い方: pnpm deploy:step <手順番号 1〜${STEPS.length}> [--dry-run] [--dir フォルダー]
  手順 N をビルドして Twilio Functions にデプロイし、TwiML App の Voice URL を向け、動作を確認します。
  --dry-run         Twilio に何も送らずに、計画だけを表示する
  --dir フォルダー  完成コードの代わりに、このフォルダー(リポジトリのルートからの相対パス)をデプロイする
  -h, --help        この説明を表示する`,
  english: `usage: pnpm deploy:step <1-${STEPS.length}> [--dry-run] [--dir PATH]
  Builds step N, deploys it to Twilio Functions, points the TwiML App's Voice URL at it and
  smoke-tests it. --dry-run prints the plan and sends nothing; --dir deploys that folder
  (relative to the repository root) instead of the finished code.`,
};

const TEARDOWN_USAGE: Usage = {
  japanese: `使い方: pnpm teardown:step <手順番号 1〜${STEPS.length}>
  手順 N の環境を削除します(そのドメインは応答しなくなります。サービスは残ります)。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm teardown:step <1-${STEPS.length}>
  Deletes step N's environment (its domain stops answering); the service stays.`,
};

/** `pnpm setup:twilio` takes no arguments: only --help. */
export function parseSetupArgs(args: readonly string[]): void {
  parseCommandLine({ usage: SETUP_USAGE, options: {}, args });
}

export interface DeployArgs {
  step: Step;
  dryRun: boolean;
  /** A learner's own step folder (`--dir PATH`) instead of the reference snapshot. */
  stepDir?: string;
}

/** `N [--dry-run] [--dir PATH]`, as typed after `pnpm deploy:step`. */
export function parseDeployArgs(args: readonly string[]): DeployArgs {
  const { values, positionals } = parseCommandLine({
    usage: DEPLOY_USAGE,
    options: { 'dry-run': { type: 'boolean' }, dir: { type: 'string', value: 'フォルダー' } },
    positionals: 1,
    args,
  });
  const step = requireStep(positionals[0], {
    name: 'deploy:step',
    usage: DEPLOY_USAGE,
    example: 4,
  });
  return {
    step,
    dryRun: values['dry-run'] ?? false,
    // Under `pnpm deploy:step` (turbo), relative to where turbo was started: the repository root.
    ...(values.dir !== undefined && {
      stepDir: resolve(
        commandEnv().TURBO_INVOCATION_DIR ?? commandEnv().INIT_CWD ?? process.cwd(),
        values.dir,
      ),
    }),
  };
}

/** `N`, as typed after `pnpm teardown:step`. */
export function parseTeardownArgs(args: readonly string[]): Step {
  const { positionals } = parseCommandLine({
    usage: TEARDOWN_USAGE,
    options: {},
    positionals: 1,
    args,
  });
  return requireStep(positionals[0], { name: 'teardown:step', usage: TEARDOWN_USAGE, example: 4 });
}
