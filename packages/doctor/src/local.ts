import {
  EMULATOR_INFO_PATH,
  finishedPhoneStep,
  isEmulatorInfo,
  PASSCODE_HEADER,
  phonePagePath,
  type Step,
} from '@kit/shared';
import twilio from 'twilio';
import { tokenProblems } from './access-token.js';
import { Checklist } from './check.js';
import { fetchText, parseJson, type SimpleResponse } from './http.js';
import {
  DOCTOR_IDENTITY,
  describeKit,
  freePort,
  HOST,
  isRecord,
  type RunningKit,
} from './ports.js';
import { registerWithEmulator } from './signaling.js';

export interface LocalCheckOptions {
  step: Step;
  env: Readonly<Record<string, string>>;
  envFile: string;
  /** The kits running now (`pnpm dev`, `pnpm dev:step N [--workspace]`): one that serves what is checked is used as it is; otherwise the doctor starts the step. */
  kits: readonly RunningKit[];
  /** `--workspace`: check the learner's folder, not the finished code. */
  workspace: boolean;
}

const CALLEE = 'kit-doctor-callee';
/** What the learner runs to serve what is checked: `pnpm dev`, or their folder with `--workspace`. */
function devCommand(options: LocalCheckOptions): string {
  return options.workspace ? `pnpm dev:step ${options.step.number} --workspace` : 'pnpm dev';
}

function restartFix(options: LocalCheckOptions): string {
  const command = devCommand(options);
  return `${command} を止めて(Ctrl-C)もう一度 ${command}(.env を変えたら再起動が必要です)`;
}

interface Target {
  baseUrl: string;
  /** The fix for a wrong answer: restart what is running, or repair the settings/build. */
  fix: string;
  close(): Promise<void>;
}

/**
 * Runs the step on this machine and uses it as the phone would: a token, the
 * emulator's registration with that token, and `/call` (unsigned refused,
 * signed dials `<Client>`). Stops whatever it started.
 */
export async function checkLocal(options: LocalCheckOptions): Promise<Checklist> {
  const list = new Checklist('local');
  const target = await startOrFind(options, list);
  if (!target) return list;
  try {
    const tokenBody = await checkToken(options, target, list);
    if (options.step.functions.some((fn) => fn.path === '/call')) {
      if (tokenBody) await checkEmulator(target, tokenBody, list);
      await checkCall(options, target, list);
    }
    if (!options.step.functions.some((fn) => fn.path.endsWith('token'))) {
      await checkPublicFunctions(options.step, target, list);
    }
  } finally {
    await target.close();
  }
  return list;
}

async function startOrFind(options: LocalCheckOptions, list: Checklist): Promise<Target | null> {
  const { step, kits } = options;
  const what = options.workspace ? `作業フォルダー(手順${step.number})` : step.tag;
  // Beside a kit named `step-04(作業フォルダー)`, plain `step-04` would not say what differs.
  const wanted = options.workspace ? what : `${step.tag}(完成コード)`;
  for (const kit of kits) {
    if (await servesWhatIsChecked(options, kit)) {
      list.ok(
        'local.running',
        `${kit.baseUrl} で動いているキット(${devCommand(options)})を確認します`,
      );
      return { baseUrl: kit.baseUrl, fix: restartFix(options), close: async () => {} };
    }
  }
  if (kits.length > 0) {
    list.warn(
      'local.running',
      `動いているキット(${kits.map(describeKit).join('、')})は ${wanted} ではありません。${wanted} を別のポートで一時的に起動して確認します。`,
      options.workspace ? devCommand(options) : `pnpm dev:step ${step.number}`,
    );
  }
  // Loaded only here: it brings the Functions runtime and the emulator.
  const { launch, LaunchError } = await import('@kit/launcher');
  const [port, emulatorPort] = [await freePort(), await freePort()];
  try {
    const launched = await launch({
      step,
      port,
      emulatorPort,
      useWorkspace: options.workspace,
      envFile: options.envFile,
      processEnv: {},
      log: () => {},
    });
    const emulatorNote = launched.emulator ? `、エミュレーター :${launched.emulator.port}` : '';
    list.ok(
      'local.start',
      `${what} を一時的に起動しました(${HOST}:${launched.server.port}${emulatorNote}。確認後に停止します)`,
    );
    return {
      baseUrl: `http://${HOST}:${launched.server.port}`,
      fix: 'pnpm build のあと、もう一度 pnpm run doctor(直らなければ .env の ✗ を先に直す)',
      close: () => launched.close(),
    };
  } catch (error) {
    const message = error instanceof LaunchError ? error.japanese : String(error);
    list.fail(
      'local.start',
      `${what} をローカルで起動できません: ${message}`,
      /ビルド/.test(message) ? 'pnpm build' : '上の ✗ を直してから、もう一度 pnpm run doctor',
    );
    return null;
  }
}

/**
 * Whether a running kit serves what the doctor checks: the kit says which step
 * and whether it is the learner's folder (`/kit/server.json`). A kit that does
 * not say (started before the route existed) serves the finished code; steps
 * 03 and 04 share their Functions, so only the phone's page tells them apart.
 */
async function servesWhatIsChecked(options: LocalCheckOptions, kit: RunningKit): Promise<boolean> {
  const { step } = options;
  if (kit.info) return kit.info.step === step.tag && kit.info.workspace === options.workspace;
  if (options.workspace) return false;
  const pagePath = phonePagePath(finishedPhoneStep()) ?? '/index.html';
  const page = await fetchText(`${kit.baseUrl}${pagePath}`, { timeoutMs: 3_000 }).catch(() => null);
  const servesPhone = page?.status === 200 && page.contentType.startsWith('text/html');
  return servesPhone === step.servesPhone;
}

/** Returns the token endpoint's JSON when it answered with a usable token. */
async function checkToken(
  options: LocalCheckOptions,
  target: Target,
  list: Checklist,
): Promise<Record<string, unknown> | null> {
  const { step, env } = options;
  const tokenPath = step.functions.find((fn) => fn.path.endsWith('token'))?.path;
  if (!tokenPath) return null;
  // Step 02 is the hands-on's first token Function: its identity is always `user`.
  const identity = step.number === 2 ? 'user' : DOCTOR_IDENTITY;
  const response = await requestToken(`${target.baseUrl}${tokenPath}`, env).catch(() => null);
  if (!response) {
    list.fail('local.answers', `${target.baseUrl}${tokenPath} が応答しません。`, target.fix);
    return null;
  }
  list.ok('local.answers', `${tokenPath} が応答します(HTTP ${response.status})`);
  const body = parseJson(response.body);
  const token = isRecord(body) ? body.token : undefined;
  if (response.status !== 200 || typeof token !== 'string' || !isRecord(body)) {
    list.fail(
      'local.token',
      `トークンを発行できません(HTTP ${response.status}${errorCode(body)})。`,
      target.fix,
    );
    return null;
  }
  const { problems, claims } = tokenProblems(token, step, env, identity);
  if (problems.length > 0) {
    list.fail('local.token', `トークンの中身が違います: ${problems.join('、')}。`, target.fix);
    return null;
  }
  const ttl = (claims?.exp ?? 0) - (claims?.iat ?? 0);
  list.ok(
    'local.token',
    `トークン: identity=${identity}、iss/sub/署名 OK、${env.TWIML_APP_SID ? 'Voice グラント(TWIML_APP_SID)、' : ''}有効期間 ${ttl} 秒`,
  );
  return body;
}

export function requestToken(
  url: string,
  env: Readonly<Record<string, string>>,
  identity = DOCTOR_IDENTITY,
): Promise<SimpleResponse> {
  const headers: Record<string, string> = {};
  if (env.WORKSHOP_PASSCODE) headers[PASSCODE_HEADER] = env.WORKSHOP_PASSCODE;
  return fetchText(url, {
    method: 'POST',
    headers,
    // `grants` is read by the multi-product token service (step 05) only.
    form: { identity, grants: env.TWIML_APP_SID ? 'voice' : 'video' },
  });
}

async function checkEmulator(
  target: Target,
  tokenBody: Record<string, unknown>,
  list: Checklist,
): Promise<void> {
  // The kit's server (not the Functions) says where its emulator is, as it tells the phone.
  const discovery = await fetchText(`${target.baseUrl}${EMULATOR_INFO_PATH}`, {
    timeoutMs: 3_000,
  }).catch(() => null);
  const info = discovery?.status === 200 ? parseJson(discovery.body) : null;
  if (!isEmulatorInfo(info)) {
    list.fail(
      'local.emulator',
      `${EMULATOR_INFO_PATH} がエミュレーターの接続先を返しません(${discovery ? `HTTP ${discovery.status}` : '応答なし'}。twilio-run start で動かしていませんか)。`,
      'pnpm dev(Functions とエミュレーターを一緒に起動します)',
    );
    return;
  }
  const { signalingHost } = info;
  const health = await fetchText(`http://${signalingHost}/healthz`, { timeoutMs: 3_000 }).catch(
    () => null,
  );
  if (health?.status !== 200) {
    list.fail(
      'local.emulator',
      `エミュレーター(${signalingHost})が応答しません。Functions だけが動いています。`,
      target.fix,
    );
    return;
  }
  const token = String(tokenBody.token);
  const result = await registerWithEmulator(signalingHost, token);
  if (!result.ok) {
    const stage = { connect: '接続', listen: 'トークンの受け入れ', register: '登録' }[result.stage];
    list.fail(
      'local.emulator',
      `エミュレーター(ws://${signalingHost}/signal)で${stage}に失敗しました: ${result.detail}。`,
      target.fix,
    );
    return;
  }
  list.ok(
    'local.emulator',
    `エミュレーター(ws://${signalingHost}/signal)がトークンを受け入れ、${result.identity} として登録できました`,
  );
}

async function checkCall(
  options: LocalCheckOptions,
  target: Target,
  list: Checklist,
): Promise<void> {
  const { env } = options;
  const url = `${target.baseUrl}/call`;
  const params = {
    AccountSid: env.ACCOUNT_SID ?? '',
    ApplicationSid: env.TWIML_APP_SID ?? '',
    ApiVersion: '2010-04-01',
    CallSid: `CA${'d0c70e'.padEnd(32, '0')}`,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: `client:${DOCTOR_IDENTITY}`,
    Caller: `client:${DOCTOR_IDENTITY}`,
    To: CALLEE,
  };
  const unsigned = await fetchText(url, { method: 'POST', form: params }).catch(() => null);
  if (unsigned?.status === 401 || unsigned?.status === 403) {
    list.ok('local.call-unsigned', `署名のない /call は拒否されます(HTTP ${unsigned.status})`);
  } else {
    list.fail(
      'local.call-unsigned',
      `署名のない /call が拒否されません(${unsigned ? `HTTP ${unsigned.status}` : '応答なし'})。/call は Protected にする必要があります。`,
      'Function のファイル名を call.protected.ts にする(pnpm step:check 4 で確認)',
    );
  }
  const signature = twilio.getExpectedTwilioSignature(env.AUTH_TOKEN ?? '', url, params);
  const signed = await fetchText(url, {
    method: 'POST',
    form: params,
    headers: { 'x-twilio-signature': signature },
  }).catch(() => null);
  const dials = signed?.body.includes(`<Client>${CALLEE}</Client>`) ?? false;
  if (signed?.status === 200 && signed.contentType.startsWith('text/xml') && dials) {
    list.ok('local.call-signed', `署名付きの /call は <Dial><Client>${CALLEE}</Client> を返します`);
  } else {
    const why =
      signed?.status === 401
        ? '署名が受け入れられません(サーバーが別の AUTH_TOKEN で動いています)'
        : `HTTP ${signed?.status ?? '応答なし'} ${signed?.contentType ?? ''}${dials ? '' : '、<Client> がありません'}`;
    list.fail('local.call-signed', `署名付きの /call が正しく答えません: ${why}。`, target.fix);
  }
}

async function checkPublicFunctions(step: Step, target: Target, list: Checklist): Promise<void> {
  for (const fn of step.functions.filter((candidate) => candidate.visibility === 'public')) {
    const response = await fetchText(`${target.baseUrl}${fn.path}`).catch(() => null);
    if (response && response.status >= 200 && response.status < 300) {
      list.ok(`local.${fn.path.slice(1)}`, `${fn.path} が応答します(HTTP ${response.status})`);
    } else {
      list.fail(
        `local.${fn.path.slice(1)}`,
        `${fn.path} が応答しません(${response ? `HTTP ${response.status}` : '接続できません'})。`,
        target.fix,
      );
    }
  }
}

function errorCode(body: unknown): string {
  if (!isRecord(body) || !isRecord(body.error)) return '';
  return typeof body.error.code === 'string' ? `、${body.error.code}` : '';
}
