import { isFakeSid } from '@kit/functions/local-env';
import { isSid } from './credentials.js';
import { isNotFound, type RestClient } from './rest-client.js';

export interface SetupNames {
  /** Friendly name of the API key and the TwiML App the kit manages. */
  friendlyName: string;
}

export type SetupAction =
  | { resource: 'API key'; sid: string; outcome: 'created' | 'reused'; note?: string }
  | { resource: 'TwiML App'; sid: string; outcome: 'created' | 'reused'; note?: string };

export interface SetupResult {
  actions: SetupAction[];
  /** What to write into `.env` (only what changed). */
  envUpdates: { API_KEY?: string; API_SECRET?: string; TWIML_APP_SID?: string };
}

/**
 * Makes sure the account has what the token Functions need: a Standard API key
 * whose secret is in `.env`, and a TwiML App. Reuses what `.env` already names
 * (if it still exists), and the TwiML App by friendly name; creates the rest.
 * A key's secret is readable only in the create response, so a key cannot be
 * reused unless `.env` kept its secret.
 */
export async function setupTwilio(
  client: RestClient,
  env: Readonly<Record<string, string>>,
  names: SetupNames,
): Promise<SetupResult> {
  const actions: SetupAction[] = [];
  const envUpdates: SetupResult['envUpdates'] = {};

  const key = await ensureApiKey(client, env, names);
  actions.push(key.action);
  if (key.secret !== undefined) {
    envUpdates.API_KEY = key.action.sid;
    envUpdates.API_SECRET = key.secret;
  }

  const app = await ensureTwimlApp(client, env, names);
  actions.push(app);
  if (app.sid !== env.TWIML_APP_SID) envUpdates.TWIML_APP_SID = app.sid;

  return { actions, envUpdates };
}

async function ensureApiKey(
  client: RestClient,
  env: Readonly<Record<string, string>>,
  { friendlyName }: SetupNames,
): Promise<{ action: SetupAction; secret?: string }> {
  const known = env.API_KEY;
  const hasSecret = (env.API_SECRET ?? '') !== '';
  if (isSid(known, 'SK') && !isFakeSid(known) && hasSecret) {
    const existing = await client
      .keys(known)
      .fetch()
      .catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
    if (existing) {
      return { action: { resource: 'API key', sid: existing.sid, outcome: 'reused' } };
    }
  }
  const created = await client.newKeys.create({ friendlyName });
  const stale = (await client.keys.list({ limit: 200 })).filter(
    (key) => key.friendlyName === friendlyName && key.sid !== created.sid,
  );
  const note =
    stale.length > 0
      ? `同じ名前の古いキー ${stale.map((key) => key.sid).join(', ')} は使われていません。不要なら Console で削除してください(unused keys)。`
      : undefined;
  return {
    action: { resource: 'API key', sid: created.sid, outcome: 'created', ...(note && { note }) },
    secret: created.secret,
  };
}

async function ensureTwimlApp(
  client: RestClient,
  env: Readonly<Record<string, string>>,
  { friendlyName }: SetupNames,
): Promise<SetupAction> {
  const known = env.TWIML_APP_SID;
  if (isSid(known, 'AP') && !isFakeSid(known)) {
    const existing = await client
      .applications(known)
      .fetch()
      .catch((error: unknown) => {
        if (isNotFound(error)) return null;
        throw error;
      });
    if (existing) return { resource: 'TwiML App', sid: existing.sid, outcome: 'reused' };
  }
  const [byName] = await client.applications.list({ friendlyName, limit: 1 });
  if (byName) {
    return {
      resource: 'TwiML App',
      sid: byName.sid,
      outcome: 'reused',
      note: `名前 "${friendlyName}" で見つけました(found by friendly name)`,
    };
  }
  // The Voice URL is set by `pnpm deploy:step`, once a step with /call is deployed.
  const created = await client.applications.create({ friendlyName, voiceMethod: 'POST' });
  return { resource: 'TwiML App', sid: created.sid, outcome: 'created' };
}
