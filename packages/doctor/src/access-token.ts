import { readTokenTtl, type Step } from '@kit/shared';
import { type AccessTokenClaims, verifyAccessToken } from '@kit/shared/access-token';

/** The TTL the step's token endpoint should use (its setting, else the kit's default). */
export function expectedTtl(env: Readonly<Record<string, string>>): number {
  const ttl = readTokenTtl(env.TOKEN_TTL_SECONDS);
  return ttl.ok ? ttl.value : 3600;
}

/**
 * What is wrong with a token the step minted, each in Japanese (empty = fine):
 * signed with API_SECRET, iss = API_KEY, sub = ACCOUNT_SID, the identity asked
 * for, the Voice grant for the TwiML App (incoming allowed where /call exists),
 * and the configured lifetime.
 */
export function tokenProblems(
  token: string,
  step: Step,
  env: Readonly<Record<string, string>>,
  expectedIdentity: string,
): { problems: string[]; claims: AccessTokenClaims | null } {
  const claims = verifyAccessToken(token, env.API_SECRET ?? '');
  if (!claims) {
    return {
      problems: ['API_SECRET で署名を検証できません(サーバーが別の API_SECRET で動いています)'],
      claims,
    };
  }
  const problems: string[] = [];
  if (claims.iss !== env.API_KEY) problems.push('iss が API_KEY と違います');
  if (claims.sub !== env.ACCOUNT_SID) problems.push('sub が ACCOUNT_SID と違います');
  if (claims.grants?.identity !== expectedIdentity) {
    problems.push(`identity が ${expectedIdentity} ではありません`);
  }
  const voice = claims.grants?.voice;
  if (env.TWIML_APP_SID && voice?.outgoing?.application_sid !== env.TWIML_APP_SID) {
    problems.push('Voice グラントの outgoingApplicationSid が TWIML_APP_SID と違います');
  }
  if (step.functions.some((fn) => fn.path === '/call') && voice?.incoming?.allow !== true) {
    problems.push('Voice グラントで着信(incomingAllow)が許可されていません');
  }
  const ttl = (claims.exp ?? 0) - (claims.iat ?? 0);
  const wanted = step.env.some((variable) => variable.name === 'TOKEN_TTL_SECONDS')
    ? expectedTtl(env)
    : 3600;
  if (ttl !== wanted) problems.push(`有効期間が ${ttl} 秒です(期待: ${wanted} 秒)`);
  if ((claims.exp ?? 0) * 1000 <= Date.now()) problems.push('期限切れです');
  return { problems, claims };
}
