import type { Step } from '@kit/shared';
import { type Check, type CheckGroup, GROUP_TITLES, STATUS_MARKS } from './check.js';
import type { Mode } from './env-check.js';
import type { MachineInfo } from './machine.js';

export interface DoctorReport {
  /** Bumped when the shape changes, so an instructor's collector can tell. */
  schema: 1;
  ok: boolean;
  step: { number: number; tag: string; title: string };
  mode: Mode | null;
  envFile: string;
  machine: MachineInfo & { platform: string; arch: string };
  summary: { ok: number; warn: number; fail: number; skip: number };
  checks: Check[];
  createdAt: string;
}

export function buildReport(
  step: Step,
  mode: Mode | null,
  envFile: string,
  machine: MachineInfo,
  checks: Check[],
): DoctorReport {
  const count = (status: Check['status']) =>
    checks.filter((check) => check.status === status).length;
  return {
    schema: 1,
    ok: count('fail') === 0,
    step: { number: step.number, tag: step.tag, title: step.title },
    mode,
    envFile,
    machine: { ...machine, platform: process.platform, arch: process.arch },
    summary: { ok: count('ok'), warn: count('warn'), fail: count('fail'), skip: count('skip') },
    checks,
    createdAt: new Date().toISOString(),
  };
}

const MODE_NAMES: Record<Mode, string> = {
  local: 'オフラインモード(Twilio なし)',
  twilio: 'Twilio モード',
};

export function formatText(report: DoctorReport): string {
  const lines = [
    `pnpm run doctor — 手順${report.step.number} ${report.step.title}${report.mode ? ` — ${MODE_NAMES[report.mode]}` : ''}`,
  ];
  let group: CheckGroup | undefined;
  for (const check of report.checks) {
    if (check.group !== group) {
      group = check.group;
      lines.push('', GROUP_TITLES[group]);
    }
    lines.push(`  ${STATUS_MARKS[check.status]} ${check.message}`);
    if (check.fix && check.status !== 'ok') lines.push(`      → ${check.fix}`);
  }
  const { ok, warn, fail } = report.summary;
  lines.push('', `結果: ✓ ${ok}  ⚠ ${warn}  ✗ ${fail}`);
  lines.push(
    fail === 0
      ? warn === 0
        ? '問題は見つかりませんでした。'
        : '動きます(⚠ は必要なときに直してください)。'
      : '上の ✗ の行を → のとおりに直して、もう一度 pnpm run doctor を実行してください。',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Last line of defence: whatever a check wrote, a secret's value never leaves
 * the process (values shorter than 4 characters are left alone: they would
 * match ordinary text).
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[秘密]');
  }
  return result;
}
