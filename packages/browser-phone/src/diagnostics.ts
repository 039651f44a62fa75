/**
 * The 診断 panel's checks, as a pure function of what the page knows, so each
 * verdict (and its Japanese advice) is unit-testable without a browser.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'unknown';

export interface DiagnosticCheck {
  id: 'webrtc' | 'secure-context' | 'microphone' | 'output' | 'token' | 'device';
  label: string;
  status: CheckStatus;
  detail: string;
}

export type TokenInfo =
  | { ok: true; identity: string; expiresAt: number }
  | { ok: false; code: string; message: string };

export interface DiagnosticSnapshot {
  webrtc: boolean;
  secureContext: boolean;
  origin: string;
  microphone: PermissionState | 'unsupported';
  outputDevice: string | null;
  token: TokenInfo | null;
  deviceState: string | null;
  mode: 'twilio' | 'emulator' | null;
  now: number;
}

export const STATUS_MARKS: Readonly<Record<CheckStatus, string>> = {
  ok: '✓',
  warn: '⚠',
  fail: '✗',
  unknown: '・',
};

export function diagnose(snapshot: DiagnosticSnapshot): DiagnosticCheck[] {
  return [
    {
      id: 'webrtc',
      label: 'WebRTC',
      ...(snapshot.webrtc
        ? { status: 'ok', detail: 'このブラウザは WebRTC に対応しています。' }
        : {
            status: 'fail',
            detail:
              'このブラウザは WebRTC に対応していません。Chrome、Edge、Firefox、Safari の最新版で開いてください。',
          }),
    },
    {
      id: 'secure-context',
      label: '安全なコンテキスト',
      ...(snapshot.secureContext
        ? { status: 'ok', detail: `${snapshot.origin} はマイクを使えるオリジンです。` }
        : {
            status: 'fail',
            detail: `${snapshot.origin} は HTTPS でも localhost でもないため、マイクを使えません。http://localhost:3000 か HTTPS の URL で開いてください。`,
          }),
    },
    microphoneCheck(snapshot.microphone),
    {
      id: 'output',
      label: 'スピーカー',
      status: snapshot.outputDevice ? 'ok' : 'unknown',
      detail: snapshot.outputDevice ?? '既定のスピーカー(初期化後に選べます)',
    },
    tokenCheck(snapshot.token, snapshot.now),
    deviceCheck(snapshot.deviceState, snapshot.mode),
  ];
}

function microphoneCheck(permission: DiagnosticSnapshot['microphone']): DiagnosticCheck {
  const base = { id: 'microphone', label: 'マイクの許可' } as const;
  switch (permission) {
    case 'granted':
      return { ...base, status: 'ok', detail: '許可されています。' };
    case 'prompt':
      return {
        ...base,
        status: 'warn',
        detail: 'まだ許可していません。初期化や発信のときに許可を求められます。',
      };
    case 'denied':
      return {
        ...base,
        status: 'fail',
        detail:
          '拒否されています。アドレスバーのマイクの設定でこのページに許可してから、再読み込みしてください(31401)。',
      };
    default:
      return { ...base, status: 'unknown', detail: 'このブラウザでは許可の状態を確認できません。' };
  }
}

function tokenCheck(token: TokenInfo | null, now: number): DiagnosticCheck {
  const base = { id: 'token', label: 'トークン' } as const;
  if (token === null)
    return { ...base, status: 'unknown', detail: 'まだ取得していません(初期化すると取得します)。' };
  if (!token.ok) {
    return {
      ...base,
      status: 'fail',
      detail: `トークンを取得できません: ${token.message}(${token.code})`,
    };
  }
  const secondsLeft = Math.floor((token.expiresAt - now) / 1000);
  if (secondsLeft <= 0) {
    return {
      ...base,
      status: 'fail',
      detail: `${token.identity} のトークンは期限切れです。もう一度初期化してください。`,
    };
  }
  const left = secondsLeft >= 120 ? `${Math.floor(secondsLeft / 60)} 分` : `${secondsLeft} 秒`;
  return {
    ...base,
    status: secondsLeft < 60 ? 'warn' : 'ok',
    detail: `${token.identity} のトークンは有効です(残り ${left}、期限の前に自動で更新します)。`,
  };
}

function deviceCheck(state: string | null, mode: DiagnosticSnapshot['mode']): DiagnosticCheck {
  const base = { id: 'device', label: 'Device' } as const;
  const where =
    mode === 'emulator' ? 'ローカルのエミュレーター' : mode === 'twilio' ? 'Twilio' : '';
  if (state === null) return { ...base, status: 'unknown', detail: 'まだ初期化していません。' };
  if (state === 'registered') return { ...base, status: 'ok', detail: `${where}に登録済みです。` };
  return { ...base, status: 'warn', detail: `状態: ${state}${where ? `(${where})` : ''}` };
}
