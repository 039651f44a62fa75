import { join } from 'node:path';
import { ASSETS_OUT_DIR, FUNCTIONS_OUT_DIR } from '@kit/functions/server';
import { describeError } from './output.js';
import { type DeployPlan, FUNCTIONS_RUNTIME } from './plan.js';
import type { RestClient } from './rest-client.js';
import { DeployStatus, findEnvironment, findService, type ServerlessClient } from './serverless.js';

export interface DeployOutcome {
  serviceSid: string;
  environmentSid: string;
  buildSid: string;
  domain: string;
  /**
   * The service was found (not created by this deploy) with IncludeCredentials
   * on: its Functions get the account's AUTH_TOKEN in `context`. The kit does
   * not change an existing service; the script says so.
   */
  existingServiceIncludesCredentials: boolean;
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
  rest: RestClient,
  plan: DeployPlan,
  onProgress: (stage: string, message: string) => void,
): Promise<DeployOutcome> {
  let stage: string = 'finding-service';
  const listener = ({ status, message }: { status: string; message: string }) => {
    stage = status;
    onProgress(status, message);
  };
  api.on('status-update', listener);
  try {
    const { serviceSid, existingServiceIncludesCredentials } = await ensureServiceAndEnvironment(
      { api, config },
      rest,
      plan,
      listener,
    );
    const result = await api.deployLocalProject({
      ...config,
      cwd: plan.stepDir,
      // Not read by deployLocalProject (variables come only from `env`); required by its type.
      envPath: join(plan.stepDir, '.env'),
      functionsFolderName: FUNCTIONS_OUT_DIR,
      assetsFolderName: ASSETS_OUT_DIR,
      serviceName: plan.serviceName,
      serviceSid,
      functionsEnv: plan.environment,
      env: plan.env,
      pkgJson: { dependencies: plan.dependencies },
      runtime: FUNCTIONS_RUNTIME,
      overrideExistingService: true,
      uiEditable: false,
    });
    // deployLocalProject only adds and updates variables; one removed from
    // `.env` (say WORKSHOP_PASSCODE) must not linger in the environment.
    stage = 'removing-stale-variables';
    await api.setEnvironmentVariables({
      ...config,
      serviceSid: result.serviceSid,
      environment: result.environmentSid,
      env: plan.env,
      append: false,
    });
    return {
      serviceSid: result.serviceSid,
      environmentSid: result.environmentSid,
      buildSid: result.buildSid,
      domain: result.domain,
      existingServiceIncludesCredentials,
    };
  } catch (error) {
    throw new DeployFailure(stage, error);
  } finally {
    api.off('status-update', listener);
  }
}

/**
 * The service (found by unique name, no state file) and the step's environment
 * are made here rather than by the library: its environment create sends a
 * `FriendlyName` that the Serverless API does not define, and its service create
 * sends `IncludeCredentials=true`. Created with the library's naming
 * (`step-04-environment`), so it and twilio-run find them.
 *
 * Least privilege: the service is created with IncludeCredentials false, so the
 * account's AUTH_TOKEN is not in the Functions' `context` (no step calls
 * `context.getTwilioClient()`; Twilio checks the signature of Protected
 * Functions itself). An existing service is used as it is, never updated.
 */
async function ensureServiceAndEnvironment(
  serverless: ServerlessClient,
  rest: RestClient,
  plan: DeployPlan,
  progress: (update: { status: string; message: string }) => void,
): Promise<{ serviceSid: string; existingServiceIncludesCredentials: boolean }> {
  const existing = await findService(serverless, plan.serviceName);
  let serviceSid = existing?.sid;
  if (serviceSid === undefined) {
    progress({
      status: DeployStatus.CREATING_SERVICE,
      message: `Creating Service "${plan.serviceName}"`,
    });
    const created = await rest.serverless.v1.services.create({
      uniqueName: plan.serviceName,
      friendlyName: plan.serviceName,
      includeCredentials: false,
      uiEditable: false,
    });
    serviceSid = created.sid;
  }
  if (!(await findEnvironment(serverless, serviceSid, plan.environment))) {
    progress({
      status: DeployStatus.CONFIGURING_ENVIRONMENT,
      message: `Creating "${plan.environment}" environment`,
    });
    await rest.serverless.v1.services(serviceSid).environments.create({
      uniqueName: `${plan.environment}-environment`,
      domainSuffix: plan.environment,
    });
  }
  return { serviceSid, existingServiceIncludesCredentials: existing?.include_credentials === true };
}
