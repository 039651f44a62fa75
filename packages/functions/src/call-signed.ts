import { isAbsolute, join, relative } from 'node:path';
import { isPortNumber } from '@kit/shared';
import {
  type CommandIo,
  fail,
  inProcessIo,
  parseCommandLine,
  processIo,
  readPort,
  type Usage,
  usageError,
} from '@kit/shared/cli';
import { requestText } from '@kit/shared/http';
import { describeKit, findRunningKits, runningKitsDir } from '@kit/shared/kits';
import twilio from 'twilio';
import { chooseKit } from './call-target.js';
import { readEnvFile } from './env-file.js';
import { FUNCTIONS_PACKAGE_DIR } from './steps-dir.js';

// `pnpm call:signed [--print] [--path /call] [--port N] KEY=VALUE ...`, run from
// the repository root: POSTs a form to the running kit (`pnpm dev:step 3`, on
// whatever PORT it was started) signed with X-Twilio-Signature exactly as Twilio
// signs a Voice URL request, or, with --print, shows the curl command that sends
// the same request. scripts/call-signed.ts runs `callSignedMain`; the tests run it
// in-process (runCommandInProcess), and the bin once as a child.

const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');
/** The launcher's .env (`pnpm dev:step` reads the same file; KIT_ENV_FILE in tests). */
const envFileOf = (io: CommandIo) => io.env.KIT_ENV_FILE ?? join(REPO_ROOT, '.env');
/** The launcher binds the Functions to loopback, and the local check uses the URL as requested. */
const HOST = '127.0.0.1';

const USAGE: Usage = {
  japanese: `使い方: pnpm call:signed [--print] [--path /call] [--port N] KEY=VALUE ...
  動いているキット(pnpm dev:step 3 など。どのポートでも見つけます)に、Twilio と同じ署名
  (X-Twilio-Signature)を付けてフォームを POST し、応答を表示します。
  KEY=VALUE   送るフォームの値(例: To=bob From=client:alice)。値はそのまま送ります(+ も空白になりません)
  --path P    送り先のパス(既定: /call)
  --port N    送り先のポート(既定: 動いているキットを探す。環境変数 PORT でも指定可)
  --print     送らずに、同じリクエストを送る curl コマンドを表示する
  -h, --help  この説明を表示する
  AUTH_TOKEN は pnpm dev:step と同じ .env から読みます。送り先は http://${HOST}:ポート。
  キットがいくつも動いていて、どれもそのパスに答えるときは、一覧を表示して --port を求めます。
  終了コード: 0 = 2xx の応答、1 = 2xx 以外の応答・接続できない・.env や PORT の問題、2 = 引数の誤り`,
  english: `usage: pnpm call:signed [--print] [--path /call] [--port N] KEY=VALUE ...
  POSTs the KEY=VALUE form fields to the running kit's /call (found on any port; --port N or PORT
  to choose) signed with X-Twilio-Signature from AUTH_TOKEN in the kit's .env, and prints the
  response; --print shows the equivalent curl command instead. When several kits serve the path,
  it lists them and asks for --port. Exit 0 on a 2xx answer, 1 otherwise, 2 on a usage error.`,
};

type FormParams = Record<string, string | string[]>;

interface Invocation {
  print: boolean;
  path: string;
  /** `--port N`, when given. */
  port: number | undefined;
  /** In the order given, for the body and the curl command. */
  fields: [string, string][];
}

function readInvocation(args: readonly string[]): Invocation {
  const { values, positionals } = parseCommandLine({
    args,
    usage: USAGE,
    options: {
      print: { type: 'boolean' },
      path: { type: 'string', value: 'パス(例: /call)' },
      port: { type: 'string', value: 'ポート番号' },
    },
    positionals: Number.POSITIVE_INFINITY,
  });
  const path = values.path ?? '/call';
  if (!/^\/[^\s#]*$/.test(path)) {
    usageError(
      `--path は / で始まるパスで指定してください(例: --path /call、指定値: ${path})。`,
      `--path must start with / (got ${JSON.stringify(path)})`,
      USAGE,
    );
  }
  const fields = positionals.map((arg): [string, string] => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
    if (!match) {
      usageError(
        `フォームの値は KEY=VALUE の形で指定してください(例: To=bob、指定値: ${arg})。`,
        `form fields are KEY=VALUE (got ${JSON.stringify(arg)})`,
        USAGE,
      );
    }
    return [match[1] ?? '', match[2] ?? ''];
  });
  return { print: values.print ?? false, path, port: readPortOption(values.port), fields };
}

function readPortOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !isPortNumber(port)) {
    usageError(
      `--port は 1〜65535 の数値で指定してください(指定値: ${raw})。`,
      `--port must be a port number 1-65535, not ${JSON.stringify(raw)}`,
      USAGE,
    );
  }
  return port;
}

/**
 * The port to send to: --port, else PORT, else the one running kit that serves
 * the path (src/call-target.ts says why several are not guessed between).
 * With --print and no kit running, 3000: the command is shown, not sent.
 */
async function choosePort(invocation: Invocation, io: CommandIo): Promise<number> {
  if (invocation.port !== undefined) return invocation.port;
  if (io.env.PORT !== undefined) return readPort('PORT', 3000, io.env);
  const kits = await findRunningKits(runningKitsDir(envFileOf(io)));
  const target = chooseKit(kits, invocation.path);
  const list = (shown: typeof kits) =>
    shown.map((kit) => `\n  --port ${kit.port}  ${describeKit(kit)}`).join('');
  switch (target.kind) {
    case 'one':
      io.stderr(
        `ℹ ${describeKit(target.kit)}に送ります(別のキットには --port N)。\n  (sending to the kit on port ${target.kit.port})\n`,
      );
      return target.kit.port;
    case 'none':
      if (invocation.print) return 3000;
      return fail(
        `動いているキットが見つかりません。別のターミナルで pnpm dev:step 3 を実行して起動してから、もう一度試してください(キットを別の方法で起動したなら --port N でポートを指定)。`,
        'no running kit found; start one with pnpm dev:step 3, or give --port N',
      );
    case 'no-path':
      return fail(
        `動いているキットには ${invocation.path} がありません。${invocation.path} がある手順(pnpm dev:step 3 など)を起動するか、--port N で送り先を指定してください:${list(target.kits)}`,
        `no running kit serves ${invocation.path} (ports ${target.kits.map((kit) => kit.port).join(', ')})`,
      );
    case 'several':
      return fail(
        `${invocation.path} に答えるキットがいくつも動いています。どれに送るか --port で選んでください:${list(target.kits)}`,
        `several kits serve ${invocation.path} (ports ${target.kits.map((kit) => kit.port).join(', ')}); choose one with --port N`,
      );
  }
}

/** The `.env` path as the attendee knows it: from the repository root when it is inside. */
function shownPath(path: string): string {
  const fromRoot = relative(REPO_ROOT, path);
  return fromRoot && !fromRoot.startsWith('..') && !isAbsolute(fromRoot) ? fromRoot : path;
}

async function readAuthToken(ENV_FILE: string): Promise<string> {
  let values: Record<string, string> | null;
  try {
    values = await readEnvFile(ENV_FILE);
  } catch (error) {
    fail(
      `.env を読めません(${shownPath(ENV_FILE)}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      `cannot read ${ENV_FILE}`,
    );
  }
  if (values === null) {
    fail(
      `.env がありません(${shownPath(ENV_FILE)})。先に pnpm dev:step 3 を起動すると、ローカル専用の偽の認証情報で作成されます(pnpm dev でも作成されます)。`,
      `no .env at ${ENV_FILE}; pnpm dev:step 3 (or pnpm dev) creates one with fake local credentials`,
    );
  }
  const token = values.AUTH_TOKEN ?? '';
  if (token === '') {
    fail(
      `.env(${shownPath(ENV_FILE)})に AUTH_TOKEN がありません。署名には、サーバーと同じ AUTH_TOKEN が必要です(pnpm dev:step 3 も AUTH_TOKEN がないと起動しません)。ローカルで試すだけなら、今の .env を別の名前に変えてから pnpm dev:step 3 を起動すると、偽の認証情報の .env が作られます。`,
      `AUTH_TOKEN is not set in ${ENV_FILE}`,
    );
  }
  return token;
}

/** The parameters as Twilio's signature sees them: a repeated key is a list. */
function signedParams(fields: readonly [string, string][]): FormParams {
  const params: FormParams = {};
  for (const [key, value] of fields) {
    const existing = params[key];
    if (existing === undefined) params[key] = value;
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return params;
}

/** One word for a POSIX shell: single quotes, with `'` written as `'\''`. */
function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function curlCommand(url: string, signature: string, fields: readonly [string, string][]): string {
  return [
    `curl -sS -i -X POST ${shellWord(url)}`,
    `-H ${shellWord(`X-Twilio-Signature: ${signature}`)}`,
    ...fields.map(([key, value]) => `--data-urlencode ${shellWord(`${key}=${value}`)}`),
  ].join(' \\\n  ');
}

/** `pnpm call:signed …`: what scripts/call-signed.ts runs; returns the exit code (0) or stops through `fail`. */
export async function callSignedMain(argv: readonly string[]): Promise<number> {
  const io = inProcessIo() ?? processIo();
  const print = (line: string) => io.stdout(`${line}\n`);
  const ENV_FILE = envFileOf(io);
  const invocation = readInvocation(argv);
  const authToken = await readAuthToken(ENV_FILE);
  const port = await choosePort(invocation, io);
  const url = `http://${HOST}:${port}${invocation.path}`;
  // Twilio's own function, the one the local server's check (validateRequest) recomputes.
  const signature = twilio.getExpectedTwilioSignature(
    authToken,
    url,
    signedParams(invocation.fields),
  );
  if (invocation.print) {
    print(curlCommand(url, signature, invocation.fields));
    return 0;
  }

  const answer = await requestText(url, {
    method: 'POST',
    form: invocation.fields,
    headers: { 'x-twilio-signature': signature },
    timeoutMs: 15_000,
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const portHint = port === 3000 ? '' : `PORT=${port} `;
    if (code === 'ECONNREFUSED') {
      fail(
        `http://${HOST}:${port} に接続できません。サーバーが起動していません。別のターミナルで ${portHint}pnpm dev:step 3 を実行して起動してから、もう一度試してください。`,
        `nothing listens on ${HOST}:${port}; start the server first: ${portHint}pnpm dev:step 3`,
      );
    }
    fail(
      `${url} に送れませんでした(${code})。${portHint}pnpm dev:step 3 で起動したサーバーが応答しているか確かめてください。`,
      `request to ${url} failed: ${code}`,
    );
  });

  print(`POST ${url}`);
  print(`X-Twilio-Signature: ${signature}`);
  print(new URLSearchParams(invocation.fields).toString());
  print('');
  print(answer.statusLine);
  print(`Content-Type: ${answer.contentType}`);
  print('');
  print(answer.body.replace(/\n$/, ''));

  const { status } = answer;
  if (status < 200 || status > 299) {
    fail(
      status === 401
        ? `署名が受け入れられませんでした。サーバーが別の AUTH_TOKEN で動いている可能性があります。サーバーと同じ .env(${shownPath(ENV_FILE)})で、同じ PORT を指定してください。`
        : status === 404
          ? `${invocation.path} がありません。PORT ${port} で動いているのが pnpm dev:step 3(/call がある手順)か確かめてください。`
          : `${invocation.path} が ${status} を返しました。pnpm dev:step を実行しているターミナルのログを確かめてください。`,
      `HTTP ${status} from ${url}`,
    );
  }
  return 0;
}
