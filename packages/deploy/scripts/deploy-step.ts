import { isFakeSid } from '@kit/functions/local-env';
import { checkStepEnv, pickStepEnv } from '@kit/functions/step-env';
import { ENV_VARS, findMissingEnv } from '@kit/shared';
import { parseStepArgs } from '../src/args.js';
import { buildForDeploy } from '../src/build.js';
import { readAccountCredentials } from '../src/credentials.js';
import { DeployFailure, deployStep } from '../src/deploy.js';
import { ENV_PATH, loadKitEnv, serviceName } from '../src/kit-env.js';
import { describeError, fail, registerSecrets, runCli, say } from '../src/output.js';
import { describePlan, planDeploy } from '../src/plan.js';
import { createRestClient, explainRestError, restStatus } from '../src/rest-client.js';
import {
  createServerlessClient,
  previousDeploymentIntact,
  STAGE_NAMES,
} from '../src/serverless.js';
import { smokeTest, tokenFunctionPath } from '../src/smoke.js';
import { pointVoiceUrl } from '../src/twiml-app.js';

// `pnpm deploy:step N [--dry-run] [--dir PATH]`: build, check, deploy, point the TwiML App, smoke-test.

await runCli(async () => {
  const { step, dryRun, stepDir } = parseStepArgs(process.argv.slice(2), 'deploy:step');
  const { merged } = await loadKitEnv();
  registerSecrets(merged);

  // 1. Settings first: every missing variable is named before anything is built or sent.
  const stepEnv = pickStepEnv(step, merged);
  const needed = [
    ...new Set([
      'ACCOUNT_SID',
      'AUTH_TOKEN',
      ...step.env.filter((v) => v.required).map((v) => v.name),
    ]),
  ];
  const missing = findMissingEnv(merged, needed as (keyof typeof ENV_VARS)[]);
  if (missing.length > 0) {
    fail(
      [
        `${step.tag} のデプロイに必要な環境変数が設定されていません(.env: ${ENV_PATH}):`,
        ...missing.map((name) => `  ${name}: ${ENV_VARS[name].description}`),
        'pnpm setup:twilio で API_KEY / API_SECRET / TWIML_APP_SID を作成できます。',
      ].join('\n'),
      `missing environment variables: ${missing.join(', ')}`,
    );
  }
  const problems = checkStepEnv(step, stepEnv);
  if (problems.length > 0) {
    fail(
      problems.map((problem) => problem.message).join('\n  '),
      `${step.tag}: ${problems.map((problem) => problem.code).join(', ')}`,
    );
  }
  const credentials = readAccountCredentials(merged);
  const fakes = ['ACCOUNT_SID', 'API_KEY', 'TWIML_APP_SID'].filter((name) => {
    const value = merged[name];
    return value !== undefined && isFakeSid(value);
  });
  if (fakes.length > 0 && !dryRun) {
    fail(
      `${fakes.join(', ')} は pnpm dev が作ったローカル専用の偽の値です。本物のアカウントの値を .env に書き、pnpm setup:twilio を実行してください。`,
      `local placeholder values: ${fakes.join(', ')}`,
    );
  }

  // 2. Build: a failure here has sent nothing, so whatever is deployed keeps running.
  say(`▶ ${step.tag} ${step.title}: ビルドします (build)`);
  const built = await buildForDeploy(step, stepDir).catch((error: unknown) =>
    fail(
      `ビルドに失敗しました。何もアップロードしていないので、以前のデプロイはそのまま動いています。\n  ${describeError(error)}`,
      `build failed for ${step.tag}; nothing was deployed`,
    ),
  );

  const plan = await planDeploy(step, built.stepDir, serviceName(merged), merged);
  for (const line of describePlan(plan)) say(`  ${line}`);
  if (dryRun) {
    say('✓ --dry-run: Twilio には何も送っていません (no requests made)。');
    return;
  }

  // 3. Deploy, with the library's progress.
  say('▶ デプロイします (deploy)');
  const serverless = createServerlessClient(credentials);
  const rest = createRestClient(credentials);
  const outcome = await deployStep(serverless, rest, plan, (_stage, message) =>
    say(`  … ${message}`),
  ).catch((error: unknown) => {
    if (!(error instanceof DeployFailure)) throw error;
    const status = restStatus(error.reason);
    if (status === 401 || status === 403) explainRestError(error.reason, 'デプロイ');
    const stageName = STAGE_NAMES[error.stage] ?? error.stage;
    const state = previousDeploymentIntact(error.stage);
    const consequence =
      state === 'intact'
        ? `新しいビルドは有効化していないので、${step.tag} の以前のデプロイはそのまま動いています。`
        : state === 'variables-changed'
          ? `コードは以前のままですが、環境変数の一部が新しい値になっている可能性があります。`
          : '有効化の途中で失敗しました。Console で環境の状態を確認してください。';
    return fail(
      `デプロイが「${stageName}」で失敗しました。${consequence}\n  ${describeError(error.reason)}`,
      `deploy failed at stage "${error.stage}"`,
    );
  });

  // 4. The TwiML App calls this environment's /call when a browser phone dials.
  if (plan.twimlAppSid) {
    const voiceUrl = `https://${outcome.domain}/call`;
    const change = await pointVoiceUrl(
      createRestClient(credentials),
      plan.twimlAppSid,
      voiceUrl,
    ).catch((error: unknown) =>
      explainRestError(error, `TwiML App ${plan.twimlAppSid} の Voice URL の設定`),
    );
    say(
      change.changed
        ? `  TwiML App ${plan.twimlAppSid}: Voice URL ${change.previous || '(未設定)'} → ${voiceUrl} (POST)`
        : `  TwiML App ${plan.twimlAppSid}: Voice URL は既に ${voiceUrl} (POST) です(変更なし)`,
    );
  }

  // 5. URLs and smoke test.
  const base = `https://${outcome.domain}`;
  say(`✓ デプロイしました (deployed): ${step.tag} → ${base}`);
  const pages = plan.files
    .filter((file) => file.kind === 'asset' && file.path === '/index.html')
    .map((file) => file.path);
  if (step.servesPhone) {
    say(
      pages.length > 0
        ? `  電話 (phone): ${base}/index.html`
        : '  電話 (phone): このビルドには index.html がありません(no phone assets in this build)',
    );
  }
  const tokenPath = tokenFunctionPath(step);
  if (tokenPath) say(`  トークン (token): ${base}${tokenPath}`);
  for (const fn of step.functions.filter((candidate) => candidate.path !== tokenPath)) {
    say(`  ${fn.path}: ${base}${fn.path}${fn.visibility === 'protected' ? '  (Protected)' : ''}`);
  }

  say('▶ 動作確認 (smoke test)');
  const checks = await smokeTest(step, outcome.domain, stepEnv, { pages }).catch((error: unknown) =>
    fail(
      `デプロイ先に接続できませんでした: ${describeError(error)}`,
      `smoke test could not reach ${base}`,
    ),
  );
  for (const check of checks) say(`  ${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`);
  const failed = checks.filter((check) => !check.ok);
  if (failed.length > 0) {
    fail(
      `デプロイは完了しましたが、動作確認で ${failed.length} 件の問題がありました(上の ✗ を確認してください)。`,
      `smoke test failed: ${failed.map((check) => check.name).join('; ')}`,
    );
  }
  say('✓ 動作確認 OK (smoke test passed)');
});
