import { join } from 'node:path';
import { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR } from '@kit/functions/server';
import { describeError } from './output.js';
import { type DeployPlan, FUNCTIONS_RUNTIME } from './plan.js';
import { DeployStatus, findServiceSid, type ServerlessClient } from './serverless.js';

export interface DeployOutcome {
  serviceSid: string;
  environmentSid: string;
  buildSid: string;
  domain: string;
}

export class DeployFailure extends Error {
  constructor(
    /** The DeployStatus stage that was running when it failed. */
    readonly stage: string,
    readonly reason: unknown,
  ) {
    super(`${stage}: ${describeError(reason)}`);
  }
}

/**
 * Deploys a built step to its own environment of the kit's service with
 * `deployLocalProject`: Functions and assets as listed from `dist/` (visibility
 * from the file names), the step's variables only, the step's dependencies.
 */
export async function deployStep(
  { api, config }: ServerlessClient,
  plan: DeployPlan,
  onProgress: (stage: string, message: string) => void,
): Promise<DeployOutcome> {
  let stage: string = DeployStatus.READING_FILESYSTEM;
  const listener = ({ status, message }: { status: string; message: string }) => {
    stage = status;
    onProgress(status, message);
  };
  api.on('status-update', listener);
  try {
    // Found by name first, so an existing service is used as is instead of a
    // create that fails with "unique name already exists".
    const serviceSid = await findServiceSid({ api, config }, plan.serviceName);
    const result = await api.deployLocalProject({
      ...config,
      cwd: plan.stepDir,
      // Not read by deployLocalProject (variables come only from `env`); required by its type.
      envPath: join(plan.stepDir, '.env'),
      functionsFolderName: FUNCTIONS_OUT_DIR,
      assetsFolderName: ASSETS_OUT_DIR,
      serviceName: plan.serviceName,
      ...(serviceSid !== undefined && { serviceSid }),
      functionsEnv: plan.environment,
      env: plan.env,
      pkgJson: { dependencies: plan.dependencies },
      runtime: FUNCTIONS_RUNTIME,
      overrideExistingService: true,
      uiEditable: false,
    });
    return {
      serviceSid: result.serviceSid,
      environmentSid: result.environmentSid,
      buildSid: result.buildSid,
      domain: result.domain,
    };
  } catch (error) {
    throw new DeployFailure(stage, error);
  } finally {
    api.off('status-update', listener);
  }
}
