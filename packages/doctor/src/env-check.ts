import { readFile } from 'node:fs/promises';
import { parseEnv } from '@kit/functions/env-file';
import { isFakeSid } from '@kit/functions/local-env';
import { pickStepEnv } from '@kit/functions/step-env';
import {
  ENV_VARS,
  type EnvVarName,
  readAllowedOrigins,
  readTokenTtl,
  type Step,
} from '@kit/shared';
import { Checklist } from './check.js';
import { scanRawEnv } from './env-raw.js';

export type Mode = 'local' | 'twilio';

export interface EnvCheckResult {
  list: Checklist;
  /** The step's variables as the Functions would get them (null when there is no `.env`). */
  env: Record<string, string> | null;
  /** Local when the SIDs are the kit's fake ones, Twilio when they look real; null when unknown. */
  mode: Mode | null;
}

const SID_BODY = /^[0-9a-f]{32}$/;
/** Variables `pnpm setup:twilio` writes; the rest come from the Console or are the user's choice. */
const SETUP_WRITES = new Set<EnvVarName>(['API_KEY', 'API_SECRET', 'TWIML_APP_SID']);
const CREDENTIAL_SIDS: EnvVarName[] = ['ACCOUNT_SID', 'API_KEY', 'TWIML_APP_SID'];

/** Presence, shape and raw-file hygiene of the chosen step's variables; which mode they mean. */
export async function checkEnvFile(step: Step, envFile: string): Promise<EnvCheckResult> {
  const list = new Checklist('env');
  const variables = step.env;
  if (variables.length === 0) {
    list.ok('env.none', `${step.tag} は環境変数を使いません`);
    return { list, env: {}, mode: 'local' };
  }
  let text: string;
  try {
    text = await readFile(envFile, 'utf8');
  } catch {
    list.fail(
      'env.file',
      `.env がありません(${envFile})。`,
      'pnpm dev(ローカル用の偽の値で .env を作成)。本物の Twilio を使う講師は .env に ACCOUNT_SID と AUTH_TOKEN を書いて pnpm setup:twilio',
    );
    return { list, env: null, mode: null };
  }
  list.ok('env.file', `.env: ${envFile}`);

  const names = new Set<string>(variables.map(({ name }) => name));
  const secrets = new Set<string>(
    variables.filter(({ name }) => ENV_VARS[name].secret).map(({ name }) => name),
  );
  const raw = scanRawEnv(text, names, secrets);
  for (const finding of raw.findings) {
    const id = `env.${finding.name ? `${finding.name}.` : ''}${finding.kind}`;
    if (finding.severity === 'fail') list.fail(id, finding.message, finding.fix);
    else list.warn(id, finding.message, finding.fix);
  }

  const env = pickStepEnv(step, parseEnv(text));
  const mode = decideMode(env);
  const lineOf = (name: string) => raw.lines.findLast((line) => line.name === name)?.lineNumber;

  for (const { name, required } of variables) {
    const spec = ENV_VARS[name];
    const value = env[name];
    const line = lineOf(name);
    if (value === undefined || value.trim() === '') {
      if (required)
        list.fail(
          `env.${name}.missing`,
          `${name} がありません(${spec.description})。`,
          missingFix(name, mode),
        );
      else list.ok(`env.${name}`, `${name}: 未設定(省略可)`);
      continue;
    }
    const problem = shapeProblem(name, value);
    if (problem) {
      list.fail(
        `env.${name}.shape`,
        `${name} ${problem}`,
        spec.secret || line === undefined
          ? missingFix(name, mode)
          : `.env の ${line} 行目を直す(${spec.description})`,
      );
      continue;
    }
    list.ok(`env.${name}`, describeValue(name, value));
  }

  if (mode === 'mixed') {
    list.fail(
      'env.mode',
      'ローカル用の偽の SID(AC0000000000000000…)と本物らしい SID が混ざっています。',
      '本物の Twilio で動かすなら pnpm setup:twilio(API_KEY・API_SECRET・TWIML_APP_SID を書き直す)。ローカルで動かすなら .env を別名にして pnpm dev',
    );
    return { list, env, mode: null };
  }
  if (mode === 'local')
    list.ok('env.mode', 'ローカル用の偽の認証情報です → オフラインモード(Twilio なし)で確認します');
  if (mode === 'twilio')
    list.ok('env.mode', '本物の Twilio の認証情報です → Twilio モードで確認します');
  return { list, env, mode };
}

function decideMode(env: Readonly<Record<string, string>>): Mode | 'mixed' | null {
  // Only well-formed SIDs say which mode is meant; a malformed one has its own ✗.
  const sids = CREDENTIAL_SIDS.map((name) => env[name]).filter(
    (value): value is string => value !== undefined && /^[A-Z]{2}[0-9a-f]{32}$/.test(value),
  );
  if (sids.length === 0) return null;
  const fake = sids.filter((sid) => isFakeSid(sid)).length;
  if (fake === sids.length) return 'local';
  if (fake === 0) return 'twilio';
  return 'mixed';
}

function missingFix(name: EnvVarName, mode: Mode | 'mixed' | null): string {
  if (mode === 'local') {
    return '.env を別名にして(mv .env .env.old)pnpm dev を実行すると、ローカル用の値で作り直します';
  }
  if (SETUP_WRITES.has(name)) return 'pnpm setup:twilio';
  if (name === 'ACCOUNT_SID' || name === 'AUTH_TOKEN') {
    return `.env に ${name}=… を追加(Twilio Console のトップページ Account Info の値)。ローカルで試すだけなら .env を別名にして pnpm dev`;
  }
  return `.env の ${name} を直す(${ENV_VARS[name].description})`;
}

/** Why a value cannot work, in Japanese, without repeating it (it may be a secret). */
function shapeProblem(name: EnvVarName, value: string): string | null {
  const shape = ENV_VARS[name].shape;
  switch (shape.kind) {
    case 'sid': {
      const trimmed = value.trim();
      if (!trimmed.startsWith(shape.prefix))
        return `は ${shape.prefix} で始まる必要があります(今は ${JSON.stringify(trimmed.slice(0, 2))} で始まっています)。`;
      if (trimmed.length !== 34)
        return `は ${shape.prefix} + 16 進数 32 桁の 34 文字です(今は ${trimmed.length} 文字)。`;
      if (!SID_BODY.test(trimmed.slice(2)))
        return `は ${shape.prefix} のあとが 16 進数(0-9, a-f の小文字)32 桁です。`;
      return null;
    }
    case 'secret':
      return value.trim() === '' ? 'が空です。' : null;
    case 'seconds': {
      const ttl = readTokenTtl(value);
      return ttl.ok ? null : ttl.error.message.replace(/^TOKEN_TTL_SECONDS /, '');
    }
    case 'origins': {
      const origins = readAllowedOrigins(value);
      return origins.ok ? null : origins.error.message.replace(/^ALLOWED_ORIGINS /, '');
    }
    default:
      return null;
  }
}

function describeValue(name: EnvVarName, value: string): string {
  const spec = ENV_VARS[name];
  if (spec.secret) return `${name}: 設定済み、${value.length} 文字`;
  if (spec.shape.kind === 'sid')
    return `${name}: ${value}${isFakeSid(value) ? '(ローカル用の偽の SID)' : ''}`;
  return `${name}: ${value}`;
}
