import { parseCommandLine, runCommandInProcess, type Usage } from '@kit/shared/cli';
import { forgetMembership } from '@kit/shared/room-client';
import { NOT_JOINED, type RoomCommandIo, roomFile, shownPath } from './io.js';
import { envBackupPath, restoreEnv } from './room-env.js';

// pnpm room:leave: forgets the membership, on this machine only, and puts back the .env values the join replaced.

export const LEAVE_USAGE: Usage = {
  japanese: `使い方: pnpm room:leave
  このマシンの教室の参加情報を消す(以後 pnpm step:check は教室に報告しない)。教室には知らせません。
  参加したときに書き換えた .env の 5 つの値を、参加前の値に戻します。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm room:leave
  Forgets this machine's room membership (pnpm step:check stops reporting); the room is not told.
  Puts back the five .env values the join replaced.`,
};

export function leaveMain(argv: readonly string[], io: RoomCommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    parseCommandLine({ usage: LEAVE_USAGE, options: {}, args: argv });
    const file = roomFile(io);
    const restored = await restoreEnv(envBackupPath(file));
    const restoredLines =
      restored === null
        ? []
        : [
            `✓ .env の ACCOUNT_SID、AUTH_TOKEN、API_KEY、API_SECRET、TWIML_APP_SID を参加前の値に戻しました(${shownPath(restored.envFile)})。`,
            '  (.env: ACCOUNT_SID, AUTH_TOKEN, API_KEY, API_SECRET and TWIML_APP_SID are back to what they were before the join)',
          ];
    if (!(await forgetMembership(file))) {
      io.stdout(
        `${[
          ...restoredLines,
          `ℹ ${NOT_JOINED.japanese.split('。')[0]}。消すものはありません。`,
          '  (not in a room; nothing to forget)',
        ].join('\n')}\n`,
      );
      return 0;
    }
    io.stdout(
      `${[
        `✓ 教室の参加情報(${shownPath(file)})を消しました。これからの pnpm step:check は教室に報告しません。`,
        '  (membership forgotten: pnpm step:check no longer reports to the room)',
        '  消したのはこのマシンの情報だけです。講師の一覧には、これまでの報告が残ります。',
        "  (only this machine forgot it; the instructor's board keeps what was already reported)",
        ...restoredLines,
      ].join('\n')}\n`,
    );
    return 0;
  });
}
