import { PASSCODE_HEADER, type Step } from '@kit/shared';
import { verifyAccessToken } from '@kit/shared/access-token';
import { httpsRequest, type SimpleResponse } from './https-request.js';

export interface SmokeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const SMOKE_IDENTITY = 'kit-smoke-test';
/** A fresh environment can answer 404/5xx for a few seconds after activation. */
const RETRY_STATUSES = new Set([404, 502, 503, 504]);

export function tokenFunctionPath(step: Step): string | undefined {
  return step.functions.find((fn) => fn.path.endsWith('token'))?.path;
}

/**
 * Calls the deployed step the way its users will: the token endpoint must
 * return a JWT signed with the API secret, carrying the expected account, key
 * and Voice grant; `/call` without Twilio's signature must be refused; any
 * other Function must answer.
 */
export async function smokeTest(
  step: Step,
  domain: string,
  env: Readonly<Record<string, string>>,
  options: { attempts?: number; delayMs?: number; pages?: readonly string[] } = {},
): Promise<SmokeCheck[]> {
  const base = `https://${domain}`;
  const fetchWithRetry = async (
    url: string,
    init: Parameters<typeof httpsRequest>[1],
  ): Promise<SimpleResponse> => {
    const attempts = options.attempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      const response = await httpsRequest(url, init);
      if (!RETRY_STATUSES.has(response.status) || attempt >= attempts) return response;
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 2_000));
    }
  };

  const checks: SmokeCheck[] = [];
  for (const fn of step.functions) {
    const url = `${base}${fn.path}`;
    if (fn.path === tokenFunctionPath(step)) {
      checks.push(await checkToken(url, env, fetchWithRetry));
    } else if (fn.visibility === 'protected') {
      const response = await fetchWithRetry(url, { method: 'POST', form: { To: SMOKE_IDENTITY } });
      const refused = response.status === 401 || response.status === 403;
      checks.push({
        name: `${fn.path} (署名なしは拒否 / unsigned request refused)`,
        ok: refused,
        detail: `HTTP ${response.status}`,
      });
    } else if (fn.visibility === 'public') {
      const response = await fetchWithRetry(url, { method: 'GET' });
      checks.push({
        name: `${fn.path} (応答 / answers)`,
        ok: response.status >= 200 && response.status < 300,
        detail: `HTTP ${response.status}`,
      });
    }
  }
  for (const page of options.pages ?? []) {
    const response = await fetchWithRetry(`${base}${page}`, { method: 'GET' });
    const html = String(response.headers['content-type'] ?? '').startsWith('text/html');
    checks.push({
      name: `${page} (電話のページ / phone page)`,
      ok: response.status === 200 && html,
      detail: `HTTP ${response.status} ${response.headers['content-type'] ?? ''}`.trim(),
    });
  }
  return checks;
}

async function checkToken(
  url: string,
  env: Readonly<Record<string, string>>,
  fetcher: (url: string, init: Parameters<typeof httpsRequest>[1]) => Promise<SimpleResponse>,
): Promise<SmokeCheck> {
  const name = `${new URL(url).pathname} (JWT とグラント / token and grants)`;
  const headers: Record<string, string> = {};
  if (env.WORKSHOP_PASSCODE) headers[PASSCODE_HEADER] = env.WORKSHOP_PASSCODE;
  const response = await fetcher(url, {
    method: 'POST',
    headers,
    // `grants` is read by the multi-product token service (step 05) only: Voice
    // needs the TwiML App; Video needs no setting, so it is the fallback.
    form: { identity: SMOKE_IDENTITY, grants: env.TWIML_APP_SID ? 'voice' : 'video' },
  });
  if (response.status !== 200) {
    return {
      name,
      ok: false,
      detail: `HTTP ${response.status} ${errorCode(response.body)}`.trim(),
    };
  }
  let token: unknown;
  try {
    token = (JSON.parse(response.body) as { token?: unknown }).token;
  } catch {
    return { name, ok: false, detail: 'JSON ではありません (not JSON)' };
  }
  if (typeof token !== 'string')
    return { name, ok: false, detail: 'token がありません (no token)' };
  const claims = verifyAccessToken(token, env.API_SECRET ?? '');
  if (!claims) {
    return { name, ok: false, detail: 'API_SECRET で署名を検証できません (bad signature)' };
  }
  const problems: string[] = [];
  if (claims.iss !== env.API_KEY) problems.push('iss ≠ API_KEY');
  if (claims.sub !== env.ACCOUNT_SID) problems.push('sub ≠ ACCOUNT_SID');
  if (!claims.grants?.identity) problems.push('identity がありません');
  if ((claims.exp ?? 0) * 1000 <= Date.now()) problems.push('期限切れ (expired)');
  if (env.TWIML_APP_SID && claims.grants?.voice?.outgoing?.application_sid !== env.TWIML_APP_SID) {
    problems.push('voice.outgoing.application_sid ≠ TWIML_APP_SID');
  }
  return problems.length === 0
    ? {
        name,
        ok: true,
        detail: `identity=${claims.grants?.identity}, voice grant → ${env.TWIML_APP_SID ?? '-'}`,
      }
    : { name, ok: false, detail: problems.join(', ') };
}

/** The kit's error contract puts a stable code in `{ error: { code } }`: worth showing, never the whole body. */
function errorCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}
