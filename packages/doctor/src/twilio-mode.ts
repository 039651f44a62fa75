import { referenceStepDir } from '@kit/functions/steps-dir';
import { readTwimlApp } from '@kit/functions/twiml-app';
import type { Step } from '@kit/shared';
import twilio from 'twilio';
import { tokenProblems } from './access-token.js';
import { Checklist } from './check.js';
import { fetchText, parseJson } from './http.js';
import { requestToken } from './local.js';
import { DOCTOR_IDENTITY, isRecord } from './ports.js';

export interface TwilioCheckOptions {
  step: Step;
  env: Readonly<Record<string, string>>;
  serviceName: string;
}

type Client = ReturnType<typeof twilio>;

const CHECK_CREDENTIALS =
  '.env の ACCOUNT_SID と AUTH_TOKEN を Twilio Console のトップページ(Account Info)の値にする';

/** Thrown inside a check to stop the Twilio checks that depend on it. */
class Stop extends Error {}

/** A REST call inside a check: null for a 404; a refused login or a broken connection stops the checks. */
type RestCall = <T>(id: string, what: string, request: () => Promise<T>) => Promise<T | null>;

/**
 * The account as `pnpm setup:twilio` and `pnpm deploy:step N` leave it: the
 * credentials work, the API key and the TwiML App exist, the App's Voice URL
 * is this step's deployed /call (POST), the service has this step's
 * environment with a build, and the deployed token endpoint mints a valid
 * token. REST calls go through the `twilio` library (HTTP_PROXY, TWILIO_EDGE,
 * TWILIO_REGION honoured), the deployed domain through HTTP_PROXY too.
 */
export async function checkTwilio(options: TwilioCheckOptions): Promise<Checklist> {
  const list = new Checklist('twilio');
  const { step, env } = options;
  const client = twilio(env.ACCOUNT_SID ?? '', env.AUTH_TOKEN ?? '', {
    autoRetry: true,
    maxRetries: 2,
  });
  const call = restCaller(list);
  try {
    if (env.API_KEY) await checkApiKey(client, env.API_KEY, list, call);
    const domain = await checkEnvironment(client, options, list, call);
    if (step.functions.some((fn) => fn.path === '/call') && env.TWIML_APP_SID) {
      await checkTwimlApp(client, options, domain, list, call);
    }
    if (domain) await checkDeployedToken(options, domain, list);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  return list;
}

/** The first call that answers proves the credentials; a 401/403 names them as the problem. */
function restCaller(list: Checklist): RestCall {
  let credentialsChecked = false;
  return async (id, what, request) => {
    try {
      const result = await request();
      if (!credentialsChecked) {
        credentialsChecked = true;
        list.ok('twilio.credentials', 'ACCOUNT_SID と AUTH_TOKEN で Twilio に接続できます');
      }
      return result;
    } catch (error) {
      const status = restStatus(error);
      if (status === 401 || status === 403) {
        list.fail(
          'twilio.credentials',
          `Twilio が認証を拒否しました(HTTP ${status})。ACCOUNT_SID か AUTH_TOKEN が違います。`,
          CHECK_CREDENTIALS,
        );
        throw new Stop();
      }
      if (status === 404) return null;
      list.fail(
        id,
        `${what}: Twilio の API に接続できないか、エラーが返りました(${status ?? describe(error)})。`,
        'ネットワークとプロキシ(HTTP_PROXY)を確認。Twilio なしで試すなら pnpm run doctor --local',
      );
      throw new Stop();
    }
  };
}

async function checkApiKey(client: Client, apiKey: string, list: Checklist, call: RestCall) {
  const key = await call('twilio.api-key', 'API キーの確認', () => client.keys(apiKey).fetch());
  if (key) list.ok('twilio.api-key', `API キー ${apiKey} があります`);
  else
    list.fail(
      'twilio.api-key',
      `API キー ${apiKey} がこのアカウントにありません(削除されたか、別のアカウントのキーです)。`,
      'pnpm setup:twilio',
    );
}

/** The service, this step's environment and its build; returns the domain when it is deployed. */
async function checkEnvironment(
  client: Client,
  options: TwilioCheckOptions,
  list: Checklist,
  call: RestCall,
): Promise<string | undefined> {
  const { step, serviceName } = options;
  const deployFix = `pnpm deploy:step ${step.number}`;
  const service = (
    await call('twilio.service', 'サービスの検索', () => client.serverless.v1.services.list())
  )?.find((candidate) => candidate.uniqueName === serviceName);
  const environment = service
    ? (
        await call('twilio.environment', '環境の検索', () =>
          client.serverless.v1.services(service.sid).environments.list(),
        )
      )?.find((candidate) => candidate.domainSuffix === step.tag)
    : undefined;
  if (!service) {
    list.fail(
      'twilio.service',
      `Functions のサービス ${serviceName} がありません(まだデプロイしていません)。`,
      deployFix,
    );
  } else if (!environment) {
    list.fail(
      'twilio.environment',
      `サービス ${serviceName} に ${step.tag} の環境がありません。`,
      deployFix,
    );
  } else if (!environment.buildSid) {
    list.fail(
      'twilio.environment',
      `${step.tag} の環境(${environment.domainName})にビルドがありません(デプロイが途中で止まりました)。`,
      deployFix,
    );
  } else {
    const build = await call('twilio.environment', 'ビルドの確認', () =>
      client.serverless.v1.services(service.sid).builds(environment.buildSid).fetch(),
    );
    if (build?.status === 'completed') {
      list.ok(
        'twilio.environment',
        `${step.tag} の環境 https://${environment.domainName} にビルドがあります`,
      );
    } else {
      list.fail(
        'twilio.environment',
        `${step.tag} の環境のビルドが完了していません(${build?.status ?? '見つかりません'})。`,
        deployFix,
      );
    }
  }
  return environment?.buildSid ? environment.domainName : undefined;
}

async function checkTwimlApp(
  client: Client,
  options: TwilioCheckOptions,
  domain: string | undefined,
  list: Checklist,
  call: RestCall,
): Promise<void> {
  const { step, env } = options;
  const deployFix = `pnpm deploy:step ${step.number}`;
  const app = await call('twilio.twiml-app', 'TwiML App の確認', () =>
    client.applications(env.TWIML_APP_SID ?? '').fetch(),
  );
  if (!app) {
    list.fail(
      'twilio.twiml-app',
      `TwiML App ${env.TWIML_APP_SID} がこのアカウントにありません。`,
      'pnpm setup:twilio',
    );
    return;
  }
  list.ok('twilio.twiml-app', `TwiML App ${app.sid}(${app.friendlyName ?? '名前なし'})があります`);
  const declared = await readTwimlApp(referenceStepDir(step));
  const voicePath = declared?.ok ? declared.config.voiceUrl : '/call';
  const voiceUrl = app.voiceUrl ?? '';
  const pointsAt = /-(step-\d{2})\.twil\.io\//.exec(voiceUrl)?.[1];
  const expected = domain ? `https://${domain}${voicePath}` : undefined;
  if (expected && voiceUrl === expected && app.voiceMethod === 'POST') {
    list.ok('twilio.voice-url', `TwiML App の Voice URL は ${step.tag} の ${voicePath}(POST)です`);
  } else if (!voiceUrl) {
    list.fail(
      'twilio.voice-url',
      'TwiML App の Voice URL が空です(発信しても何も起きません)。',
      deployFix,
    );
  } else if (pointsAt && pointsAt !== step.tag) {
    list.fail(
      'twilio.voice-url',
      `TwiML App の Voice URL は ${pointsAt} の ${new URL(voiceUrl).pathname} を指しています(${step.tag} ではありません)。`,
      deployFix,
    );
  } else if (expected && voiceUrl === expected) {
    list.fail(
      'twilio.voice-url',
      `TwiML App の Voice URL のメソッドが ${app.voiceMethod} です(POST が必要です)。`,
      deployFix,
    );
  } else {
    list.fail(
      'twilio.voice-url',
      `TwiML App の Voice URL(${voiceUrl})が ${step.tag} の ${voicePath} ではありません。`,
      deployFix,
    );
  }
}

async function checkDeployedToken(
  options: TwilioCheckOptions,
  domain: string,
  list: Checklist,
): Promise<void> {
  const { step, env } = options;
  const tokenPath = step.functions.find((fn) => fn.path.endsWith('token'))?.path;
  if (!tokenPath) return;
  const url = `https://${domain}${tokenPath}`;
  const identity = step.number === 2 ? 'user' : DOCTOR_IDENTITY;
  const response = await requestToken(url, env).catch((error: unknown) => describe(error));
  const fix = `pnpm deploy:step ${step.number}(.env を変えたあとは再デプロイが必要です)`;
  if (typeof response === 'string') {
    list.fail('twilio.token', `${url} に接続できません(${response})。`, fix);
    return;
  }
  const body = parseJson(response.body);
  const token = isRecord(body) ? body.token : undefined;
  if (response.status !== 200 || typeof token !== 'string') {
    const code = isRecord(body) && isRecord(body.error) ? `、${String(body.error.code)}` : '';
    list.fail(
      'twilio.token',
      `${url} がトークンを返しません(HTTP ${response.status}${code})。`,
      fix,
    );
    return;
  }
  const { problems } = tokenProblems(token, step, env, identity);
  if (problems.length > 0) {
    list.fail(
      'twilio.token',
      `デプロイ先のトークンの中身が違います: ${problems.join('、')}。`,
      fix,
    );
    return;
  }
  list.ok('twilio.token', `${url} が正しいトークンを返します(identity=${identity})`);
  if (step.functions.some((fn) => fn.path === '/call')) {
    const unsigned = await fetchText(`https://${domain}/call`, {
      method: 'POST',
      form: { To: 'kit-doctor-callee' },
    }).catch(() => null);
    if (unsigned?.status === 401 || unsigned?.status === 403) {
      list.ok(
        'twilio.call-unsigned',
        `デプロイ先の署名のない /call は拒否されます(HTTP ${unsigned.status})`,
      );
    } else {
      list.fail(
        'twilio.call-unsigned',
        `デプロイ先の /call が署名なしで呼べます(${unsigned ? `HTTP ${unsigned.status}` : '応答なし'})。`,
        fix,
      );
    }
  }
}

function restStatus(error: unknown): number | undefined {
  if (!isRecord(error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
