import { parseCommandLine, runCommandInProcess, type Usage } from '@kit/shared/cli';
import { forgetMembership } from '@kit/shared/room-client';
import { NOT_JOINED, type RoomCommandIo, roomFile, shownPath } from './io.js';

// pnpm room:leave: forgets the membership, on this machine only.

export const LEAVE_USAGE: Usage = {
  japanese: `使い方: pnpm room:leave
  このマシンの教室の参加情報を消す(以後 pnpm step:check は教室に報告しない)。教室には知らせません。
  -h, --help  この説明を表示する`,
  english: `usage: pnpm room:leave
  Forgets this machine's room membership (pnpm step:check stops reporting); the room is not told.`,
};

export function leaveMain(argv: readonly string[], io: RoomCommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    parseCommandLine({ usage: LEAVE_USAGE, options: {}, args: argv });
    const file = roomFile(io);
    if (!(await forgetMembership(file))) {
      io.stdout(
        `ℹ ${NOT_JOINED.japanese.split('。')[0]}。消すものはありません。\n  (not in a room; nothing to forget)\n`,
      );
      return 0;
    }
    io.stdout(
      `${[
        `✓ 教室の参加情報(${shownPath(file)})を消しました。これからの pnpm step:check は教室に報告しません。`,
        '  (membership forgotten: pnpm step:check no longer reports to the room)',
        '  消したのはこのマシンの情報だけです。講師の一覧には、これまでの報告が残ります。',
        "  (only this machine forgot it; the instructor's board keeps what was already reported)",
      ].join('\n')}\n`,
    );
    return 0;
  });
}
