import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import type { AccountCredentials } from './credentials.js';

/** The library's `DeployStatus` values (its enum is not exported from the package root). */
export const DeployStatus = {
  READING_FILESYSTEM: 'reading-filesystem',
  CREATING_SERVICE: 'creating-service',
  CONFIGURING_ENVIRONMENT: 'configuring-environment',
  CREATING_FUNCTIONS: 'creating-functions',
  UPLOADING_FUNCTIONS: 'uploading-functions',
  CREATING_ASSETS: 'creating-assets',
  UPLOADING_ASSETS: 'uploading-assets',
  BUILDING: 'building',
  SETTING_VARIABLES: 'setting-variables',
  TIMED_OUT: 'timed-out',
  ACTIVATING_DEPLOYMENT: 'activating-deployment',
  DONE: 'done',
} as const;

export interface ServerlessClient {
  api: TwilioServerlessApiClient;
  /** The client's credentials, which every call of the library takes again. */
  config: { username: string; password: string };
}

export function createServerlessClient({
  accountSid,
  authToken,
}: AccountCredentials): ServerlessClient {
  // The library reads HTTP_PROXY, TWILIO_EDGE and TWILIO_REGION itself. Its
  // debug log (DEBUG=twilio-serverless-api:*) prints the whole deploy config,
  // variable values and password included: never switched on from here.
  process.env.DEBUG = '';
  const config = { username: accountSid, password: authToken };
  return { api: new TwilioServerlessApiClient(config), config };
}

export interface ServiceSummary {
  sid: string;
  unique_name: string;
  /** Whether Functions get the account's ACCOUNT_SID and AUTH_TOKEN in `context` (`getTwilioClient()`). */
  include_credentials?: boolean;
}

interface EnvironmentSummary {
  sid: string;
  domain_suffix: string | null;
  domain_name: string;
}

/** The kit keeps no state file: the service is found by its unique name, each step by its domain suffix. */
export async function findService(
  { api, config }: ServerlessClient,
  uniqueName: string,
): Promise<ServiceSummary | undefined> {
  const { services = [] } = (await api.list({ ...config, types: 'services' })) as {
    services?: ServiceSummary[];
  };
  return services.find((service) => service.unique_name === uniqueName);
}

export async function findServiceSid(
  serverless: ServerlessClient,
  uniqueName: string,
): Promise<string | undefined> {
  return (await findService(serverless, uniqueName))?.sid;
}

export async function findEnvironment(
  { api, config }: ServerlessClient,
  serviceSid: string,
  domainSuffix: string,
): Promise<EnvironmentSummary | undefined> {
  const { environments = [] } = (await api.list({
    ...config,
    types: ['environments'],
    serviceSid,
  })) as { environments?: EnvironmentSummary[] };
  return environments.find((environment) => environment.domain_suffix === domainSuffix);
}

/** What each stage means for the instructor, in the order the library runs them. */
export const STAGE_NAMES: Record<string, string> = {
  'finding-service': 'サービスの検索',
  [DeployStatus.READING_FILESYSTEM]: 'ファイルの読み込み',
  [DeployStatus.CREATING_SERVICE]: 'サービスの作成',
  [DeployStatus.CONFIGURING_ENVIRONMENT]: '環境の準備',
  [DeployStatus.CREATING_FUNCTIONS]: 'Function の作成',
  [DeployStatus.UPLOADING_FUNCTIONS]: 'Function のアップロード',
  [DeployStatus.CREATING_ASSETS]: 'アセットの作成',
  [DeployStatus.UPLOADING_ASSETS]: 'アセットのアップロード',
  [DeployStatus.BUILDING]: 'Twilio 側のビルド',
  [DeployStatus.SETTING_VARIABLES]: '環境変数の設定',
  [DeployStatus.ACTIVATING_DEPLOYMENT]: '新しいビルドの有効化',
  [DeployStatus.TIMED_OUT]: 'Twilio 側のビルド(時間切れ)',
  'removing-stale-variables': '.env にない古い環境変数の削除',
};

/**
 * Until the new build is activated, the environment keeps serving the previous
 * one. Variables are set just before activation (the library's order), so a
 * failure there may have changed variables, but not the code.
 */
export function previousDeploymentIntact(
  stage: string,
): 'intact' | 'variables-changed' | 'unknown' {
  if (stage === DeployStatus.SETTING_VARIABLES) return 'variables-changed';
  if (stage === 'removing-stale-variables') return 'variables-changed';
  if (stage === DeployStatus.ACTIVATING_DEPLOYMENT || stage === DeployStatus.DONE) return 'unknown';
  return 'intact';
}
