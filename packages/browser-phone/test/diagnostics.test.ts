import { describe, expect, it } from 'vitest';
import { type DiagnosticSnapshot, diagnose } from '../src/diagnostics.js';

const healthy: DiagnosticSnapshot = {
  webrtc: true,
  secureContext: true,
  origin: 'http://localhost:3000',
  microphone: 'granted',
  outputDevice: 'Speakers',
  token: { ok: true, identity: 'alice', expiresAt: 1_000_000 + 3600_000 },
  deviceState: 'registered',
  mode: 'emulator',
  now: 1_000_000,
};

const verdict = (snapshot: DiagnosticSnapshot, id: string) =>
  diagnose(snapshot).find((check) => check.id === id);

describe('diagnose', () => {
  it('is all green on a working phone', () => {
    expect(diagnose(healthy).map((check) => check.status)).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
    expect(verdict(healthy, 'device')?.detail).toContain('ローカルのエミュレーター');
    expect(verdict(healthy, 'token')?.detail).toContain('残り 60 分');
  });

  it('explains a plain-HTTP page on another host', () => {
    const check = verdict(
      { ...healthy, secureContext: false, origin: 'http://192.0.2.10:3000' },
      'secure-context',
    );
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain('HTTPS でも localhost でもない');
  });

  it.each([
    ['denied', 'fail', '拒否されています'],
    ['prompt', 'warn', 'まだ許可していません'],
    ['unsupported', 'unknown', '確認できません'],
  ] as const)('reports microphone permission %s as %s', (microphone, status, text) => {
    const check = verdict({ ...healthy, microphone }, 'microphone');
    expect(check?.status).toBe(status);
    expect(check?.detail).toContain(text);
  });

  it('counts the token down, warns near expiry and fails after', () => {
    const expiresAt = healthy.now + 45_000;
    expect(
      verdict({ ...healthy, token: { ok: true, identity: 'a', expiresAt } }, 'token'),
    ).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('残り 45 秒'),
    });
    expect(
      verdict(
        { ...healthy, now: expiresAt + 1, token: { ok: true, identity: 'a', expiresAt } },
        'token',
      )?.status,
    ).toBe('fail');
    expect(
      verdict(
        { ...healthy, token: { ok: false, code: 'passcode_invalid', message: '合言葉が違います' } },
        'token',
      )?.detail,
    ).toContain('passcode_invalid');
  });

  it('says when nothing has been initialised yet', () => {
    const fresh = { ...healthy, token: null, deviceState: null, mode: null, outputDevice: null };
    expect(verdict(fresh, 'token')?.status).toBe('unknown');
    expect(verdict(fresh, 'device')?.status).toBe('unknown');
  });

  it('flags a browser without WebRTC', () => {
    expect(verdict({ ...healthy, webrtc: false }, 'webrtc')?.status).toBe('fail');
  });
});
