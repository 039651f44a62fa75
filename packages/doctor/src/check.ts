/**
 * One line of the checklist. `message` is a Japanese sentence; `fix` is the
 * exact command or `.env` line that repairs a ✗ (or improves a ⚠).
 * Neither ever carries a secret's value.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export type CheckGroup = 'machine' | 'env' | 'workspace' | 'local' | 'twilio' | 'room';

export interface Check {
  /** Stable English id, e.g. `env.API_KEY.shape`, for an instructor's scripts. */
  id: string;
  group: CheckGroup;
  status: CheckStatus;
  message: string;
  fix?: string;
}

export const GROUP_TITLES: Record<CheckGroup, string> = {
  machine: 'マシン',
  env: '.env',
  workspace: '作業フォルダー',
  local: 'ローカルで動作確認',
  twilio: 'Twilio で動作確認',
  room: '教室',
};

export const STATUS_MARKS: Record<CheckStatus, string> = {
  ok: '✓',
  warn: '⚠',
  fail: '✗',
  skip: '-',
};

/** Collects checks of one group in order. */
export class Checklist {
  readonly checks: Check[] = [];

  constructor(private readonly group: CheckGroup) {}

  ok(id: string, message: string): void {
    this.checks.push({ id, group: this.group, status: 'ok', message });
  }

  warn(id: string, message: string, fix?: string): void {
    this.checks.push({ id, group: this.group, status: 'warn', message, ...(fix && { fix }) });
  }

  fail(id: string, message: string, fix: string): void {
    this.checks.push({ id, group: this.group, status: 'fail', message, fix });
  }

  skip(id: string, message: string): void {
    this.checks.push({ id, group: this.group, status: 'skip', message });
  }

  hasFailure(): boolean {
    return this.checks.some((check) => check.status === 'fail');
  }
}
