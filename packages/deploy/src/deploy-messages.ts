import type { Step } from '@kit/shared';
import { DeployFailure } from './deploy.js';
import { describeError, fail, say } from './output.js';
import type { DeployPlan } from './plan.js';
import { explainRestError, restStatus } from './rest-client.js';
import { previousDeploymentIntact, STAGE_NAMES } from './serverless.js';
import { tokenFunctionPath } from './smoke.js';

/** Says at which stage a deploy failed and what that means for the deployment already serving. */
export function explainDeployFailure(step: Step, error: unknown): never {
  if (!(error instanceof DeployFailure)) throw error;
  const status = restStatus(error.reason);
  if (status === 401 || status === 403) explainRestError(error.reason, 'デプロイ');
  const stageName = STAGE_NAMES[error.stage] ?? error.stage;
  const consequence = {
    intact: `新しいビルドは有効化していないので、${step.tag} の以前のデプロイはそのまま動いています。`,
    'variables-changed':
      'コードは以前のままですが、環境変数の一部が新しい値になっている可能性があります。',
    unknown: '有効化の途中で失敗しました。Console で環境の状態を確認してください。',
  }[previousDeploymentIntact(error.stage)];
  return fail(
    `デプロイが「${stageName}」で失敗しました。${consequence}\n  ${describeError(error.reason)}`,
    `deploy failed at stage "${error.stage}"`,
  );
}

/** Prints where the deployed step answers; returns the pages the smoke test should open. */
export function printDeployedUrls(step: Step, plan: DeployPlan, domain: string): string[] {
  const base = `https://${domain}`;
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
  return pages;
}

/**
 * An existing service (made by an older kit, or by hand) can still hand the
 * account's AUTH_TOKEN to every Function. The kit does not change a service it
 * did not just create: it says so, and how to turn it off.
 */
export function warnIfServiceIncludesCredentials(
  serviceName: string,
  includesCredentials: boolean,
): void {
  if (!includesCredentials) return;
  say(
    `  ! 既存のサービス ${serviceName} は IncludeCredentials が有効で、Functions の context にアカウントの AUTH_TOKEN が渡されます。キットの手順のコードは使わないので、Serverless API のサービス更新で IncludeCredentials=false にすることをおすすめします。キットは既存のサービスを変更しません (existing service has IncludeCredentials=true; left unchanged)。`,
  );
}
