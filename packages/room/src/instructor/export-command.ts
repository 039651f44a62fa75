import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { STEPS } from '@kit/shared';
import { type CommandIo, fail, parseCommandLine, type Usage } from '@kit/shared/cli';
import { exportCsv } from '../csv.js';
import { readLog } from '../event-log.js';
import { LOG_FILE } from '../room-files.js';
import { replay } from '../state.js';
import { roomDataDir } from './room-command.js';

// `pnpm room:export [--out FILE]`: who reached which step and when, as CSV, read
// from the room's event log on this machine (the room need not be running).

const USAGE: Usage = {
  japanese: `使い方: pnpm room:export [--out ファイル]
  教室の記録(.kit/room/)から、参加者ごとに各手順に合格した時刻を CSV で書き出します(Excel で開ける UTF-8)。
  --out ファイル  書き出す先(既定: room-export.csv。- で標準出力)
  -h, --help     この説明を表示する`,
  english: `usage: pnpm room:export [--out FILE]
  Writes who passed which step and when, from the room's log in .kit/room/, as CSV (UTF-8 with a
  BOM, for Excel); --out - writes it to standard output. Default: room-export.csv.`,
};

export async function exportMain(
  argv: readonly string[],
  io: CommandIo,
  cwd = process.cwd(),
): Promise<number> {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: { out: { type: 'string', value: 'ファイル' } },
    args: argv,
  });
  const log = join(roomDataDir(io.env), LOG_FILE);
  if (!existsSync(log)) {
    fail(
      `教室の記録がありません(${log})。pnpm room で教室を開いた PC で実行してください。`,
      `no room log at ${log}: run this on the machine that ran pnpm room`,
    );
  }
  const { events, warnings } = await readLog(log);
  for (const warning of warnings) io.stderr(`⚠ ${warning}\n`);
  const csv = exportCsv(replay(events), { stepCount: STEPS.length });
  const out = values.out ?? 'room-export.csv';
  if (out === '-') {
    io.stdout(csv);
    return 0;
  }
  const file = resolve(cwd, out);
  await writeFile(file, csv);
  const members = csv.trimEnd().split('\n').length - 1;
  io.stdout(
    `✓ ${members} 人の記録を ${file} に書き出しました(wrote ${members} members to ${file})\n`,
  );
  return 0;
}
