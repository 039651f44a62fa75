import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR, listRoutes } from '@kit/functions/server';
import { pickStepEnv } from '@kit/functions/step-env';
import { readTwimlApp } from '@kit/functions/twiml-app';
import { ENV_VARS, type Step } from '@kit/shared';

export const FUNCTIONS_RUNTIME = 'node22';

export interface PlannedFile {
  kind: 'function' | 'asset';
  path: string;
  visibility: 'public' | 'protected' | 'private';
  /** Relative to the step folder. */
  file: string;
}

export interface DeployPlan {
  step: Step;
  stepDir: string;
  serviceName: string;
  /** Environment's domain suffix: the step tag (`step-04`). */
  environment: string;
  files: PlannedFile[];
  /** Exactly what the environment gets: the step's catalog variables that are set, minus {@link NOT_UPLOADED}. */
  env: Record<string, string>;
  dependencies: Record<string, string>;
  /** The TwiML App whose Voice URL will point at this environment's /call, if the step has /call. */
  twimlAppSid?: string;
  /** The Voice URL's path: what the step's twiml-app.json declares, else `/call`. */
  voicePath: `/${string}`;
}

export async function planDeploy(
  step: Step,
  stepDir: string,
  serviceName: string,
  source: Readonly<Record<string, string>>,
): Promise<DeployPlan> {
  const routes = await listRoutes(stepDir);
  const files: PlannedFile[] = [
    ...routes.functions.map((fn) => ({
      kind: 'function' as const,
      path: fn.path,
      visibility: fn.access,
      file: fn.filePath.slice(stepDir.length + 1),
    })),
    ...routes.assets.map((asset) => ({
      kind: 'asset' as const,
      path: asset.path,
      visibility: asset.access,
      file: asset.filePath.slice(stepDir.length + 1),
    })),
  ];
  const pkg = JSON.parse(await readFile(join(stepDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const env = uploadedEnv(step, source);
  const twimlAppSid = hasCallFunction(step) ? env.TWIML_APP_SID : undefined;
  const twimlApp = await readTwimlApp(stepDir);
  if (twimlApp && !twimlApp.ok) throw new Error(twimlApp.problem);
  return {
    step,
    stepDir,
    serviceName,
    environment: step.tag,
    files,
    env,
    dependencies: pkg.dependencies ?? {},
    ...(twimlAppSid !== undefined && { twimlAppSid }),
    voicePath: twimlApp?.config.voiceUrl ?? '/call',
  };
}

/**
 * Never uploaded to the deployed environment, whatever the step catalog lists:
 * - AUTH_TOKEN: listed for the steps with a Protected `/call` because the local
 *   runtime checks `X-Twilio-Signature` with it. In the cloud Twilio checks the
 *   signature itself and no deployed Function reads it; the deploy script uses
 *   it only as its credential for the REST API.
 * - EMULATOR_SIGNALING_HOST: the local launcher's, meaningless in the cloud.
 */
export const NOT_UPLOADED: ReadonlySet<string> = new Set(['AUTH_TOKEN', 'EMULATOR_SIGNALING_HOST']);

/** What the deployed environment gets: the step's catalog variables that are set, minus {@link NOT_UPLOADED}. */
export function uploadedEnv(
  step: Step,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(pickStepEnv(step, source)).filter(([name]) => !NOT_UPLOADED.has(name)),
  );
}

export function hasCallFunction(step: Step): boolean {
  return step.functions.some((fn) => fn.path === '/call');
}

/** The plan in words, for `--dry-run` and before a real deploy. Variable names only, never values. */
export function describePlan(plan: DeployPlan): string[] {
  const lines = [
    `サービス (service): ${plan.serviceName}   環境 (environment): ${plan.environment}   ランタイム (runtime): ${FUNCTIONS_RUNTIME}`,
    `ファイル (${FUNCTIONS_OUT_DIR}, ${ASSETS_OUT_DIR}):`,
    ...plan.files.map(
      (file) =>
        `  ${file.kind === 'function' ? 'Function' : 'Asset   '} ${file.path}  [${file.visibility}]  ← ${file.file}`,
    ),
    `環境変数 (env vars): ${
      Object.keys(plan.env)
        .map((name) =>
          ENV_VARS[name as keyof typeof ENV_VARS]?.secret ? `${name} (secret)` : name,
        )
        .join(', ') || 'なし (none)'
    }`,
    '  AUTH_TOKEN はアップロードしません。Twilio の API を呼ぶためだけに使います(not uploaded: used only to call the API)',
    `依存パッケージ (dependencies): ${
      Object.entries(plan.dependencies)
        .map(([name, version]) => `${name}@${version}`)
        .join(', ') || 'なし (none)'
    }`,
  ];
  lines.push(
    plan.twimlAppSid
      ? `TwiML App ${plan.twimlAppSid}: Voice URL を https://<この環境のドメイン>${plan.voicePath} (POST) に変更します`
      : 'TwiML App: 変更しません(no /call in this step)',
  );
  return lines;
}
