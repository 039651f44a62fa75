import { join } from 'node:path';
import { readStageCatalog } from '@kit/functions/stage-catalog';
import { FUNCTIONS_PACKAGE_DIR } from '@kit/functions/steps-dir';
import { isPortNumber } from '@kit/shared';
import { type CommandIo, fail, parseCommandLine, type Usage, usageError } from '@kit/shared/cli';
import { formatRoomCode, normalizeRoomCode } from '@kit/shared/room';
import QRCode from 'qrcode';
import { BOARD_DIST_DIR } from '../board-dir.js';
import { startRoomEmulator } from '../room-emulator.js';
import { type RunningRoom, startRoomServer } from '../server.js';
import { chooseHost, type LanAddress, lanAddresses } from './lan.js';

// `pnpm room [--new] [--code CODE] [--host ADDRESS] [--port N]`: the instructor's
// room, the only kit command that listens beyond loopback. The bin
// (scripts/room.ts) runs it with the process's arguments and stops it on a
// signal; tests call it in-process with `addresses` of their own.

export const ROOM_DEFAULT_PORT = 4600;
const REPO_ROOT = join(FUNCTIONS_PACKAGE_DIR, '../..');

const USAGE: Usage = {
  japanese: `使い方: pnpm room [--new] [--code コード] [--host アドレス] [--port 番号]
  教室を開きます。参加者は pnpm room:join で参加し、pnpm step:check の結果と挙手がボードに表示されます。
  このキットで、会場のネットワークに向けて待ち受けるのはこのコマンドだけです。
  --new          新しい教室を始める(前の教室の記録は .kit/room/ に残します)
  --code コード   ルームコードを決める(6 文字。省略すると作るか、前回の教室のものを使う)
  --host アドレス 待ち受ける LAN のアドレス(PC に複数あるとき)
  --port 番号     待ち受けるポート(既定: ${ROOM_DEFAULT_PORT})
  -h, --help     この説明を表示する
  止めるには Ctrl-C。もう一度 pnpm room を実行すると、同じ教室(コード、参加者、ボード)を再開します。`,
  english: `usage: pnpm room [--new] [--code CODE] [--host ADDRESS] [--port N]
  Opens the workshop room on this machine's LAN address (the only kit command that listens beyond
  loopback): attendees join with pnpm room:join, and their step:check results and raised hands
  show on the live board. Run it again to resume the same room; --new starts a fresh one (the old
  log is kept). --code sets the room code, --host the LAN address, --port the port (default ${ROOM_DEFAULT_PORT}).`,
};

export interface RoomCommandOptions {
  /** This machine's LAN addresses (tests pass the namespace's own). */
  addresses?: LanAddress[];
  /** Called once the room serves, with what stops it (the bin wires signals to it). */
  onRunning?: (room: RunningRoom) => void;
}

/** Where the room keeps its event logs: `.kit/room/` (git-ignored), or KIT_ROOM_DIR. */
export function roomDataDir(env: CommandIo['env']): string {
  return env.KIT_ROOM_DIR ?? join(REPO_ROOT, '.kit/room');
}

function readRoomPort(value: string | undefined): number {
  if (value === undefined) return ROOM_DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || !isPortNumber(port)) {
    usageError(
      `--port は 1〜65535 の番号です: ${value}`,
      `--port takes a number from 1 to 65535`,
      USAGE,
    );
  }
  return port;
}

export async function roomMain(
  argv: readonly string[],
  io: CommandIo,
  options: RoomCommandOptions = {},
): Promise<RunningRoom> {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: {
      new: { type: 'boolean' },
      code: { type: 'string', value: 'コード' },
      host: { type: 'string', value: 'アドレス' },
      port: { type: 'string', value: '番号' },
    },
    args: argv,
  });
  const code = values.code === undefined ? undefined : normalizeRoomCode(values.code);
  if (code === null) {
    usageError(
      `--code のルームコードは 6 文字で、使える文字は A C D E F H J K M N P R T W X Y 3 4 6 7 9 です(読み間違えやすい文字を除いています): ${values.code}`,
      'a room code is 6 characters from ACDEFHJKMNPRTWXY34679',
      USAGE,
    );
  }
  const port = readRoomPort(values.port);
  const choice = chooseHost(values.host, options.addresses ?? lanAddresses());
  if (!choice.ok) fail(choice.japanese, choice.english);

  const catalog = await readStageCatalog();
  let room: RunningRoom;
  try {
    room = await startRoomServer({
      dataDir: roomDataDir(io.env),
      host: choice.host.address,
      port,
      loopback: true,
      ...(code ? { code } : {}),
      fresh: values.new ?? false,
      stageTitles: catalog.titles,
      stepStages: catalog.byStep,
      boardDir: BOARD_DIST_DIR,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/EADDRINUSE/.test(reason)) {
      fail(
        `ポート ${port} は使われています。--port で別の番号を指定してください。`,
        `port ${port} is in use: choose another with --port`,
      );
    }
    throw error;
  }
  // The members' phones register here (教室モードの通話): the room's own address, the next port.
  const phonesPort = port === 0 ? 0 : port + 1;
  let phones: Awaited<ReturnType<typeof startRoomEmulator>>;
  try {
    phones = await startRoomEmulator(room, { host: choice.host.address, port: phonesPort });
  } catch (error) {
    await room.close();
    const reason = error instanceof Error ? error.message : String(error);
    if (/EADDRINUSE/.test(reason)) {
      fail(
        `ポート ${phonesPort}(教室の電話の接続先)は使われています。--port で別の番号を指定してください(その次の番号も使います)。`,
        `port ${phonesPort} (the room's phones) is in use: choose another --port (the next one is used too)`,
      );
    }
    throw error;
  }
  const opened: RunningRoom = {
    ...room,
    async close() {
      await phones.close();
      await room.close();
    },
  };
  options.onRunning?.(opened);
  io.stdout(await describeRoom(opened, choice.host, choice.others, phones.url));
  return opened;
}

/** What the instructor reads aloud, projects (the QR code) and keeps to themself (the key). */
async function describeRoom(
  room: RunningRoom,
  host: LanAddress,
  others: LanAddress[],
  phonesUrl: string,
): Promise<string> {
  const shownCode = formatRoomCode(room.code);
  const join = `pnpm room:join ${room.url} --code ${shownCode}`;
  const qr = await QRCode.toString(join, { type: 'terminal', small: true });
  const port = new URL(room.url).port;
  const lines = [
    room.resumed
      ? '✓ 前回の教室を再開しました(参加者とボードはそのままです)'
      : '✓ 教室を開きました',
    `  ⚠ このコマンドだけは、会場のネットワーク(${host.address}、${host.interfaceName})に向けて待ち受けます。`,
    '    キットのほかのコマンドは、この PC の中(127.0.0.1)だけで待ち受けます。',
    '',
    `  参加用の URL:     ${room.url}`,
    `  ルームコード:     ${shownCode}`,
    `  参加者のコマンド: ${join}`,
    '',
    qr.trimEnd(),
    '',
    `  電話の接続先:     ${phonesUrl}(教室モードの通話。参加者の電話が登録します)`,
    '',
    `  ボード(この PC):  http://127.0.0.1:${port}/board`,
    `  ボード(ほかの PC): ${room.url}/board?key=${room.instructorKey}`,
    '    ↑ 講師の鍵を含みます。プロジェクターに映さないでください。',
    ...(others.length > 0
      ? [
          '',
          `  ほかの LAN のアドレス: ${others.map((a) => `${a.address}(${a.interfaceName})`).join('、')}`,
          '    参加者から届かないときは --host で選んでください。',
        ]
      : []),
    '',
    '  止めるには Ctrl-C(もう一度 pnpm room で再開、pnpm room --new で新しい教室)',
    `  (room open at ${room.url}, code ${shownCode}; the board at http://127.0.0.1:${port}/board)`,
  ];
  return `${lines.join('\n')}\n`;
}
