import { isFakeSid } from '@kit/functions/local-env';
import { checkStepEnv, pickStepEnv } from '@kit/functions/step-env';
import { ENV_VARS, type EnvVarName, findMissingEnv, type Step } from '@kit/shared';
import { type AccountCredentials, readAccountCredentials } from './credentials.js';
import { envFilePath, serviceName } from './kit-env.js';
import { fail, registerSecrets } from './output.js';

export interface DeploySettings {
  /**
   * The step's catalog variables that are set, checked. AUTH_TOKEN among them
   * (the local runtime needs it) is not uploaded: see `uploadedEnv` in plan.ts.
   */
  stepEnv: Record<string, string>;
  credentials: AccountCredentials;
  serviceName: string;
}

/**
 * Everything a deploy needs from `.env`, checked before anything is built or
 * sent: every missing variable is named with its description, bad values are
 * explained, and the local placeholders `pnpm dev` writes are refused.
 */
export function readDeploySettings(
  step: Step,
  env: Readonly<Record<string, string>>,
  { dryRun }: { dryRun: boolean },
): DeploySettings {
  registerSecrets(env);
  const needed = new Set<EnvVarName>(['ACCOUNT_SID', 'AUTH_TOKEN']);
  for (const variable of step.env) if (variable.required) needed.add(variable.name);
  const missing = findMissingEnv(env, [...needed]);
  if (missing.length > 0) {
    fail(
      [
        `${step.tag} のデプロイに必要な環境変数が設定されていません(.env: ${envFilePath()}):`,
        ...missing.map((name) => `  ${name}: ${ENV_VARS[name].description}`),
        'pnpm setup:twilio で API_KEY / API_SECRET / TWIML_APP_SID を作成できます。',
      ].join('\n'),
      `missing environment variables: ${missing.join(', ')}`,
    );
  }
  const stepEnv = pickStepEnv(step, env);
  const problems = checkStepEnv(step, stepEnv);
  if (problems.length > 0) {
    fail(
      problems.map((problem) => problem.message).join('\n  '),
      `${step.tag}: ${problems.map((problem) => problem.code).join(', ')}`,
    );
  }
  const credentials = readAccountCredentials(env);
  const placeholders = ['ACCOUNT_SID', 'API_KEY', 'TWIML_APP_SID'].filter((name) => {
    const value = env[name];
    return value !== undefined && isFakeSid(value);
  });
  if (placeholders.length > 0 && !dryRun) {
    fail(
      `${placeholders.join(', ')} は pnpm dev が作ったローカル専用の偽の値です。本物のアカウントの値を .env に書き、pnpm setup:twilio を実行してください。`,
      `local placeholder values: ${placeholders.join(', ')}`,
    );
  }
  return { stepEnv, credentials, serviceName: serviceName(env) };
}
