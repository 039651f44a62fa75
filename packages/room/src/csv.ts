import { passedStep, type RoomState } from './state.js';

/**
 * One CSV cell: always quoted (quotes doubled), and a cell a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`, or a leading tab/CR) gets a leading `'`.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export interface CsvOptions {
  /** Steps 1…stepCount each get a column. */
  stepCount: number;
  /** IANA time zone for the times (the machine's own by default): `2025-06-01 10:30:00`. */
  timeZone?: string | undefined;
}

/**
 * Who reached which step and when, one row per member in the order they
 * joined, and when their own code first connected a call (the last column, so
 * the earlier ones keep their places). UTF-8 with a BOM and CRLF lines, so Excel opens Japanese names as is.
 */
export function exportCsv(state: RoomState, options: CsvOptions): string {
  const format = new Intl.DateTimeFormat('sv-SE', {
    timeZone: options.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const time = (ms: number | undefined) => (ms === undefined ? '' : format.format(ms));
  const steps = Array.from({ length: options.stepCount }, (_, index) => index + 1);
  const header = [
    '名前',
    'メンバーID',
    '参加時刻',
    ...steps.map((step) => `手順${step} 合格時刻`),
    '合格した最後の手順',
    '最新の報告',
    '最新の失敗段階',
    '自分のコードで初めて通話した時刻',
  ];
  const rows = [header];
  for (const member of state.members.values()) {
    const latest = member.latest;
    rows.push([
      member.name,
      member.memberId,
      time(member.joinedAt),
      ...steps.map((step) => time(member.passedAt.get(step))),
      String(passedStep(member)),
      latest
        ? `手順${latest.report.step} ${latest.report.passed ? '合格' : '未合格'} ${time(latest.at)}`
        : '',
      member.failing?.key ?? '',
      time(member.firstCall?.at),
    ]);
  }
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
