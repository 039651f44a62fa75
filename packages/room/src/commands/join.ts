import { checkIdentity, isValidIdentity } from '@kit/shared';
import {
  fail,
  parseCommandLine,
  runCommandInProcess,
  type Usage,
  usageError,
} from '@kit/shared/cli';
import { checkDisplayName, formatRoomCode, normalizeRoomCode } from '@kit/shared/room';
import {
  joinRoom,
  normalizeRoomUrl,
  readMembership,
  roomHello,
  writeMembership,
} from '@kit/shared/room-client';
import { envFile, type RoomCommandIo, roomFile, shownPath } from './io.js';
import { applyRoomCredentials, envBackupPath } from './room-env.js';

// pnpm room:join URL [--name 名前] [--code コード]: joins the instructor's room.

export const JOIN_USAGE: Usage = {
  japanese: `使い方: pnpm room:join <教室の URL> [--name 表示名] [--code 参加コード] [--identity 名前]
  教室の URL    講師が示す URL(例: http://192.168.0.10:4600)
  --name        講師の一覧に出る名前(1〜32 文字、日本語可)。省略すると尋ねます
  --code        講師が示す 6 文字の参加コード(例: KX3-4MP)。省略すると尋ねます
  --identity    電話で使う名前(半角英数字と _ - .)。表示名がそのまま使えるときは省略できます。
                日本語の表示名のときは尋ねます
  -h, --help    この説明を表示する
  端末でないとき(スクリプトなど)は尋ねないので、--name と --code(日本語の表示名なら --identity も)を指定してください。`,
  english: `usage: pnpm room:join <room URL> [--name NAME] [--code CODE] [--identity IDENTITY]
  Joins the instructor's room: afterwards pnpm step:check reports each check's outcome to it
  and pnpm room:help raises your hand. --identity is the name your phone registers as
  (ASCII letters, digits, _ - .); it defaults to the display name when that fits.
  Without a terminal, --name and --code are required (and --identity for a Japanese name).`,
};

/** Said when the join wrote the room's credentials into `.env` (never the values themselves). */
export const ENV_CHANGED = [
  '  .env の ACCOUNT_SID、AUTH_TOKEN、API_KEY、API_SECRET、TWIML_APP_SID を教室のものにしました(元の値は pnpm room:leave で戻します)',
  "  (.env: ACCOUNT_SID, AUTH_TOKEN, API_KEY, API_SECRET and TWIML_APP_SID now hold the room's values; pnpm room:leave puts yours back)",
];

/** What the room learns, and what it never does: said once, at the join. */
export const SHARING_NOTICE = [
  '  講師に送るもの: 表示名、電話の名前(identity)、pnpm step:check の手順番号、各段階の合否、ヒントの種類(id)、所要時間、キットのバージョン、挙手(pnpm room:help)とそのメッセージ',
  '  (shared with the instructor: your display name, your phone name (identity), the step of each pnpm step:check, whether each stage passed, the id of the hint shown, how long the check took, the kit version, a raised hand and its message)',
  '  送らないもの: コード、ファイルの中身、パス、.env の値、秘密の値(API キーや認証トークンなど)',
  '  (never shared: your code, file contents, paths, .env values, secrets such as API keys or auth tokens)',
];

const TRIES = 3;

/** Asks until `check` accepts the answer (three tries), or stops with the last reason. */
async function askFor(
  ask: (question: string) => Promise<string>,
  question: string,
  check: (answer: string) => { ok: true; value: string } | { ok: false; message: string },
): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const checked = check(await ask(question));
    if (checked.ok) return checked.value;
    last = checked.message;
  }
  fail(last, 'no valid answer after three tries');
}

function nameCheck(answer: string) {
  const checked = checkDisplayName(answer);
  return checked.ok ? checked : { ok: false as const, message: checked.error.error.message };
}

function identityCheck(answer: string) {
  const checked = checkIdentity(answer.trim());
  return checked.ok
    ? { ok: true as const, value: checked.identity }
    : { ok: false as const, message: checked.error.message };
}

function codeCheck(answer: string) {
  const code = normalizeRoomCode(answer);
  return code === null
    ? {
        ok: false as const,
        message: '参加コードは 6 文字です(例: KX3-4MP)。講師が示したコードを確認してください。',
      }
    : { ok: true as const, value: code };
}

export function joinMain(argv: readonly string[], io: RoomCommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    const { values, positionals } = parseCommandLine({
      usage: JOIN_USAGE,
      options: {
        name: { type: 'string', value: '表示名' },
        code: { type: 'string', value: '参加コード' },
        identity: { type: 'string', value: '名前' },
      },
      positionals: 1,
      args: argv,
    });
    const [input] = positionals;
    if (input === undefined) {
      usageError(
        '教室の URL を指定してください(例: pnpm room:join http://192.168.0.10:4600)。',
        'give the room URL the instructor shows',
        JOIN_USAGE,
      );
    }
    const url = normalizeRoomUrl(input);
    if (!url.ok) usageError(url.message, url.english, JOIN_USAGE);
    // Values on the command line are checked before anything is sent or asked.
    if (values.name !== undefined) {
      const checked = nameCheck(values.name);
      if (!checked.ok) usageError(checked.message, 'the display name is not valid', JOIN_USAGE);
    }
    if (values.identity !== undefined) {
      const checked = identityCheck(values.identity);
      if (!checked.ok) usageError(checked.message, 'the identity is not valid', JOIN_USAGE);
    }
    if (values.code !== undefined && !codeCheck(values.code).ok) {
      usageError(
        '参加コードは 6 文字です(例: KX3-4MP)。',
        'a room code has 6 characters (e.g. KX3-4MP)',
        JOIN_USAGE,
      );
    }
    const needsIdentity =
      values.identity === undefined && values.name !== undefined && !isValidIdentity(values.name);
    const missing = [
      ...(values.name === undefined ? ['--name 表示名'] : []),
      ...(values.code === undefined ? ['--code 参加コード'] : []),
      ...(needsIdentity ? ['--identity 名前'] : []),
    ];
    if (missing.length > 0 && io.ask === undefined) {
      usageError(
        `端末ではないので尋ねられません。${missing.join(' と ')} を指定してください。`,
        `no terminal to ask in: give ${missing.map((option) => option.split(' ')[0]).join(' and ')}`,
        JOIN_USAGE,
      );
    }

    const file = roomFile(io);
    const current = await readMembership(file);
    if (current.kind === 'member') {
      const { membership } = current;
      fail(
        `すでに教室(${membership.roomUrl})に「${membership.name}」として参加しています。参加し直すときは、先に pnpm room:leave を実行してください。`,
        'already joined a room: run pnpm room:leave first',
      );
    }

    const hello = await roomHello(url.url);
    if (!hello.ok) fail(hello.message, hello.english);

    const name =
      values.name ??
      (io.ask ? await askFor(io.ask, '表示名(講師の一覧に出ます): ', nameCheck) : '');
    const code =
      values.code ?? (io.ask ? await askFor(io.ask, '参加コード(例: KX3-4MP): ', codeCheck) : '');
    // The phone's name: the display name when it fits the identity rule, else asked for.
    let identity = values.identity?.trim();
    if (identity === undefined && !isValidIdentity(name)) {
      if (!io.ask) {
        usageError(
          `表示名「${name}」は電話の名前(identity)に使えません。--identity で指定してください(例: --identity sakura)。`,
          'the display name cannot be an identity: give --identity',
          JOIN_USAGE,
        );
      }
      identity = await askFor(
        io.ask,
        '電話で使う名前(identity。半角英数字と _ - .、例: sakura): ',
        identityCheck,
      );
    }

    const joined = await joinRoom(
      hello.url,
      code,
      name,
      identity === undefined ? {} : { identity },
    );
    if (!joined.ok) fail(joined.message, joined.english);
    if (joined.credentials !== null) {
      await applyRoomCredentials(envFile(io), envBackupPath(file), joined.credentials);
    }
    await writeMembership(file, joined.membership);

    const { membership } = joined;
    const lines = [
      `✓ 教室(${membership.roomUrl}、コード ${formatRoomCode(normalizeRoomCode(code) ?? code)})に「${membership.name}」として参加しました。`,
      `  (joined the room at ${membership.roomUrl} as ${JSON.stringify(membership.name)})`,
      ...(membership.identity
        ? [
            `  電話の名前(identity): ${membership.identity}。2 つ目のタブでは ${membership.identity}-2 のように、${membership.identity}- に英数字 1〜8 文字を続けます。ほかの人の名前では登録できません。`,
          ]
        : []),
      ...SHARING_NOTICE,
      ...(joined.credentials !== null ? ENV_CHANGED : []),
      ...(joined.credentials !== null
        ? [
            '  隣の人に電話をかけるには: pnpm dev:step 4 --workspace --room(完成コードなら pnpm dev --room)。先に pnpm run doctor --room で確かめられます',
          ]
        : []),
      '  困ったら: pnpm room:help "メッセージ"(手を挙げる) / やめるとき: pnpm room:leave',
      `  (参加情報: ${shownPath(file)})`,
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  });
}
