import type { Step } from '@kit/shared';
import { buildForDeploy } from '../build.js';
import { deployStep } from '../deploy.js';
import {
  explainDeployFailure,
  printDeployedUrls,
  warnIfServiceIncludesCredentials,
} from '../deploy-messages.js';
import type { DeploySettings } from '../deploy-settings.js';
import { describeError, fail, say } from '../output.js';
import { describePlan, planDeploy } from '../plan.js';
import { createRestClient, explainRestError } from '../rest-client.js';
import { createServerlessClient } from '../serverless.js';
import { smokeTest } from '../smoke.js';
import { pointVoiceUrl } from '../twiml-app.js';

/**
 * `pnpm deploy:step` once its command line and settings are read: build,
 * deploy, point the TwiML App, smoke-test. A module of its own so that the
 * command loads the TypeScript compiler and the Twilio libraries only now:
 * --help, a misspelt option or a missing variable answers without them.
 */
export async function buildAndDeploy({
  step,
  dryRun,
  stepDir,
  merged,
  settings,
}: {
  step: Step;
  dryRun: boolean;
  stepDir: string | undefined;
  merged: Record<string, string>;
  settings: DeploySettings;
}): Promise<void> {
  // 2. Build: a failure here has sent nothing, so whatever is deployed keeps running.
  say(`▶ ${step.tag} ${step.title}: ビルドします (build)`);
  const built = await buildForDeploy(step, stepDir).catch((error: unknown) =>
    fail(
      `ビルドに失敗しました。何もアップロードしていないので、以前のデプロイはそのまま動いています。\n  ${describeError(error)}`,
      `build failed for ${step.tag}; nothing was deployed`,
    ),
  );
  const plan = await planDeploy(step, built.stepDir, settings.serviceName, merged).catch(
    (error: unknown) =>
      fail(
        `デプロイの計画を作れませんでした(何も送っていません)。\n  ${describeError(error)}`,
        `could not plan the deploy of ${step.tag}; nothing was sent`,
      ),
  );
  for (const line of describePlan(plan)) say(`  ${line}`);
  if (dryRun) {
    say('✓ --dry-run: Twilio には何も送っていません (no requests made)。');
    return;
  }

  // 3. Deploy, with the library's progress.
  say('▶ デプロイします (deploy)');
  const rest = createRestClient(settings.credentials);
  const outcome = await deployStep(
    createServerlessClient(settings.credentials),
    rest,
    plan,
    (_stage, message) => say(`  … ${message}`),
  ).catch((error: unknown) => explainDeployFailure(step, error));
  warnIfServiceIncludesCredentials(plan.serviceName, outcome.existingServiceIncludesCredentials);

  // 4. The TwiML App calls this environment's /call when a browser phone dials.
  if (plan.twimlAppSid) {
    const appSid = plan.twimlAppSid;
    const voiceUrl = `https://${outcome.domain}${plan.voicePath}`;
    const change = await pointVoiceUrl(rest, appSid, voiceUrl).catch((error: unknown) =>
      explainRestError(error, `デプロイは完了しましたが、TwiML App ${appSid} の Voice URL の設定`),
    );
    say(
      change.changed
        ? `  TwiML App ${appSid}: Voice URL ${change.previous || '(未設定)'} → ${voiceUrl} (POST)`
        : `  TwiML App ${appSid}: Voice URL は既に ${voiceUrl} (POST) です(変更なし)`,
    );
  }

  // 5. URLs and smoke test.
  const pages = printDeployedUrls(step, plan, outcome.domain);
  say('▶ 動作確認 (smoke test)');
  const checks = await smokeTest(step, outcome.domain, settings.stepEnv, { pages }).catch(
    (error: unknown) =>
      fail(
        `デプロイ先に接続できませんでした: ${describeError(error)}`,
        `smoke test could not reach https://${outcome.domain}`,
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
}
