import { parseCommandLine, runCommandInProcess, type Usage, usageError } from '@kit/shared/cli';
import { checkHandMessage, HAND_MESSAGE_MAX_LENGTH } from '@kit/shared/room';
import { lowerHand, raiseHand } from '@kit/shared/room-client';
import { failWith, type RoomCommandIo, requireMembership } from './io.js';

// pnpm room:help ["メッセージ"] raises the hand in the room; pnpm room:help --done lowers it.

export const HELP_USAGE: Usage = {
  japanese: `使い方: pnpm room:help ["メッセージ"]
       pnpm room:help --done
  メッセージ  講師に見せる一言(省略可、${HAND_MESSAGE_MAX_LENGTH} 文字まで)。例: pnpm room:help "3-4 で 403 になります"
  --done      挙げた手を下ろす(解決したとき)
  -h, --help  この説明を表示する`,
  english: `usage: pnpm room:help ["message"] | pnpm room:help --done
  Raises your hand in the instructor's room, with an optional message (up to ${HAND_MESSAGE_MAX_LENGTH} characters);
  --done lowers it.`,
};

export function helpMain(argv: readonly string[], io: RoomCommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    const { values, positionals } = parseCommandLine({
      usage: HELP_USAGE,
      options: { done: { type: 'boolean' } },
      positionals: 1,
      args: argv,
    });
    const [message] = positionals;
    if (values.done === true && message !== undefined) {
      usageError('--done にはメッセージを付けません。', '--done takes no message', HELP_USAGE);
    }
    const checked = checkHandMessage(message ?? '');
    if (!checked.ok)
      usageError(checked.error.error.message, 'the message is not valid', HELP_USAGE);

    const membership = await requireMembership(io);
    if (values.done === true) {
      const lowered = await lowerHand(membership);
      if (!lowered.ok) failWith(lowered);
      io.stdout('✓ 手を下ろしました。\n  (your hand is down)\n');
      return 0;
    }
    const raised = await raiseHand(membership, checked.value);
    if (!raised.ok) failWith(raised);
    io.stdout(
      `${[
        `✋ 手を挙げました${checked.value === '' ? '' : `(メッセージ: ${checked.value})`}。講師が来るまで、作業を続けてかまいません。`,
        '  (your hand is up; keep working until the instructor comes)',
        '  解決したら: pnpm room:help --done',
      ].join('\n')}\n`,
    );
    return 0;
  });
}
