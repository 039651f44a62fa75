import type { Call, Device } from '@twilio/voice-sdk';
import { type DiagnosticSnapshot, diagnose, type TokenInfo } from './diagnostics.js';
import type { PhoneElements } from './dom.js';
import { type FoundEmulator, MEDIA_CONNECT_LIMIT_MS } from './emulator-mode.js';
import { appendLog } from './event-log.js';
import {
  controlsFor,
  initialPhoneState,
  type PhoneEvent,
  type PhoneState,
  phoneReducer,
} from './phone-state.js';
import { renderDiagnostics, renderPhone, type ShownError, showError } from './render.js';
import type { DialingPhone } from './room-directory.js';
import { reportMediaProblem } from './room-panel.js';
import { Ringback } from './sounds.js';
import { fetchVoiceToken, type TokenResult } from './token-client.js';
import { explainRoomError, explainTwilioError, meaningfulCode } from './twilio-errors.js';
import { checkDestinationField, checkIdentityField, checkRoomIdentity } from './validation.js';
import { deviceOptions, loadVoiceSdk, rtcConfiguration } from './voice.js';

/** How long 終了 stays on the status line before the phone shows 登録済み again. */
const ENDED_NOTICE_MS = 2000;
/** A call hung up this long after it was answered, media never up: the other phone gave up on it. */
const MEDIA_SILENCE_MS = MEDIA_CONNECT_LIMIT_MS / 2;
/** The 診断 panel keeps this many recent errors. */
const RECENT_ERRORS = 5;

interface TwilioErrorLike {
  code?: number;
  message?: string;
  originalError?: { code?: unknown };
}

/**
 * The browser phone: reads the page's inputs, drives the Voice SDK, and keeps
 * the page in step with a pure state (phone-state.ts).
 */
export class PhoneApp implements DialingPhone {
  private state: PhoneState = initialPhoneState;
  private busy = false;
  private device: Device | null = null;
  private call: Call | null = null;
  private emulator: FoundEmulator | null = null;
  /** Whether this call's media connected (emulator mode; see mediaFailed). */
  private mediaUp = false;
  private passcode = '';
  private readonly ringback = new Ringback();
  private token: TokenInfo | null = null;
  private lastToken = '';
  private readonly recentErrors: ShownError[] = [];
  private microphone: DiagnosticSnapshot['microphone'] = 'unsupported';

  /** In a room (教室モード), the identity the attendee owns: the phone registers as nobody else. */
  private roomIdentity: string | null = null;
  /** Told after each render (the room's directory follows whether the phone can call). */
  private readonly changeListeners: (() => void)[] = [];

  /** The room's identity for this attendee: filled in when the field is empty, and enforced at 初期化. */
  useRoomIdentity(identity: string): void {
    this.roomIdentity = identity;
    if (this.elements.identity.value.trim() === '') this.elements.identity.value = identity;
  }

  ownIdentity(): string | null {
    return this.state.identity;
  }

  canDial(): boolean {
    return !this.busy && controlsFor(this.state).dial;
  }

  /** A name chosen from the room's directory: 宛先 gets it, and 発信 goes the usual way (dial()). */
  dialTo(identity: string): void {
    this.elements.destination.value = identity;
    this.elements.dialForm.requestSubmit();
  }

  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  constructor(
    private readonly elements: PhoneElements,
    private readonly tokenUrl: string,
    /** The emulator the page's server named (`kit/emulator.json`), or null for Twilio. */
    private readonly emulatorFound: Promise<FoundEmulator | null>,
  ) {}

  start(): void {
    const { elements } = this;
    elements.initForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.initialize();
    });
    elements.dialForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.dial();
    });
    elements.answer.addEventListener('click', () => this.answer());
    elements.reject.addEventListener('click', () => this.rejectIncoming());
    elements.hangUp.addEventListener('click', () => this.call?.disconnect());
    elements.mute.addEventListener('click', () => this.call?.mute(!this.state.muted));
    elements.keypad.addEventListener('click', (event) => {
      const digit = (event.target as HTMLElement).dataset.digit;
      if (digit && this.call) {
        this.call.sendDigits(digit);
        this.log(`トーン送信: ${digit}`);
      }
    });
    elements.inputDevice.addEventListener('change', () => {
      this.device?.audio?.setInputDevice(elements.inputDevice.value).catch((error: unknown) => {
        this.fail(error as TwilioErrorLike);
      });
    });
    elements.outputDevice.addEventListener('change', () => {
      void this.device?.audio?.speakerDevices.set(elements.outputDevice.value);
    });
    this.startDiagnostics();
    this.render();
  }

  /** The 診断 panel: opened by `?diag`, refreshed every second while open (the token counts down). */
  private startDiagnostics(): void {
    const { elements } = this;
    if (new URLSearchParams(window.location.search).has('diag')) elements.diagnostics.open = true;
    elements.diagnostics.addEventListener('toggle', () => this.renderDiagnostics());
    elements.preflight.addEventListener('click', () => void this.runPreflight());
    void this.watchMicrophonePermission();
    setInterval(() => {
      if (elements.diagnostics.open) this.renderDiagnostics();
    }, 1000);
  }

  private async watchMicrophonePermission(): Promise<void> {
    try {
      const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
      this.microphone = status.state;
      status.addEventListener('change', () => {
        this.microphone = status.state;
        this.renderDiagnostics();
      });
    } catch {
      this.microphone = 'unsupported';
    }
    this.renderDiagnostics();
  }

  private renderDiagnostics(): void {
    const outputSelected = this.elements.outputDevice.selectedOptions[0]?.textContent ?? null;
    const snapshot: DiagnosticSnapshot = {
      webrtc: typeof RTCPeerConnection === 'function',
      secureContext: window.isSecureContext,
      origin: window.location.origin,
      microphone: this.microphone,
      outputDevice: outputSelected,
      token: this.token,
      deviceState: this.device?.state ?? null,
      mode: this.device ? (this.emulator ? 'emulator' : 'twilio') : null,
      now: Date.now(),
    };
    renderDiagnostics(this.elements, diagnose(snapshot), this.recentErrors);
    // The preflight test calls Twilio's media servers: only where there is a Twilio to call.
    this.elements.preflight.hidden = snapshot.mode !== 'twilio';
  }

  private async runPreflight(): Promise<void> {
    const { preflightReport } = this.elements;
    preflightReport.hidden = false;
    preflightReport.textContent = 'Twilio への接続テストを実行しています…';
    const { Device } = await loadVoiceSdk(null);
    const preflight = Device.runPreflight(this.lastToken);
    preflight.on(
      'completed',
      (report: { qualityLevel?: string; networkTiming?: unknown; edge?: string }) => {
        preflightReport.textContent = `完了: 品質 ${report.qualityLevel ?? '不明'}(edge: ${report.edge ?? '不明'})\n${JSON.stringify(report.networkTiming ?? {}, null, 2)}`;
      },
    );
    preflight.on('failed', (error: TwilioErrorLike) => {
      const code = meaningfulCode(error);
      preflightReport.textContent = `失敗: ${explainTwilioError(code).message}(${code ?? '不明'})`;
    });
  }

  private dispatch(event: PhoneEvent): void {
    this.state = phoneReducer(this.state, event);
    this.render();
  }

  private render(): void {
    renderPhone(this.elements, this.state, this.busy);
    for (const listener of this.changeListeners) listener();
  }

  private log(message: string): void {
    appendLog(this.elements.log, message);
  }

  private showError(error: ShownError | null): void {
    showError(this.elements, error);
    if (!error) return;
    this.log(`エラー${error.code !== undefined ? ` ${error.code}` : ''}: ${error.message}`);
    this.recentErrors.unshift(error);
    this.recentErrors.length = Math.min(this.recentErrors.length, RECENT_ERRORS);
    this.renderDiagnostics();
  }

  private fail(error: TwilioErrorLike): void {
    const code = meaningfulCode(error);
    const { message, hint } = this.emulator?.inRoom
      ? explainRoomError(code)
      : explainTwilioError(code);
    this.showError({ message, hint, ...(code !== undefined ? { code } : {}) });
  }

  private async initialize(): Promise<void> {
    const field = checkIdentityField(this.elements.identity.value);
    const identity =
      field.ok && this.roomIdentity !== null
        ? checkRoomIdentity(this.roomIdentity, field.value)
        : field;
    if (!identity.ok) {
      this.showError({ message: identity.message, code: 'identity_invalid' });
      this.elements.identity.focus();
      return;
    }
    this.showError(null);
    this.busy = true;
    this.device?.destroy();
    this.device = null;
    this.dispatch({ type: 'init-requested', identity: identity.value });
    this.log(`トークンを取得しています(identity: ${identity.value})`);
    try {
      this.passcode = this.elements.passcode.value;
      const token = await fetchVoiceToken({
        url: this.tokenUrl,
        identity: identity.value,
        passcode: this.passcode,
      });
      this.noteToken(token);
      if (!token.ok) {
        this.dispatch({ type: 'unregistered' });
        this.showError({ message: token.message, code: token.code });
        return;
      }
      const emulator = await this.emulatorFound;
      this.emulator = emulator;
      this.elements.mode.textContent = emulator
        ? emulator.inRoom
          ? `(教室のエミュレーター ${emulator.signalingHost} に接続)`
          : '(ローカルのエミュレーターに接続)'
        : '(Twilio に接続)';
      const { Device } = await loadVoiceSdk(emulator);
      const device = new Device(
        token.token,
        deviceOptions(emulator, {
          connected: () => {
            this.mediaUp = true;
          },
          failed: () => this.mediaFailed(),
        }),
      );
      this.device = device;
      this.watchDevice(device);
      await device.register();
    } catch (error) {
      this.dispatch({ type: 'unregistered' });
      if (error instanceof Error && !('code' in error)) this.showError({ message: error.message });
      else this.fail(error as TwilioErrorLike);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private watchDevice(device: Device): void {
    device.on('registered', () => {
      this.dispatch({ type: 'registered' });
      this.renderDiagnostics();
      this.log(`登録しました(identity: ${this.state.identity ?? ''})`);
      void this.listDevices(device);
    });
    device.on('unregistered', () => {
      this.dispatch({ type: 'unregistered' });
      this.log('登録が解除されました');
    });
    device.on('error', (error: TwilioErrorLike) => this.fail(error));
    device.on('incoming', (call: Call) => this.onIncoming(call));
    device.on('tokenWillExpire', () => void this.refreshToken(device));
    device.audio?.on('deviceChange', () => void this.listDevices(device));
    device.audio?.on('inputVolume', (volume: number) => {
      this.elements.micLevel.value = volume;
    });
  }

  /** Remembers the last token answer for the 診断 panel (expiry, or the error). */
  private noteToken(token: TokenResult): void {
    if (token.ok) {
      this.lastToken = token.token;
      this.token = {
        ok: true,
        identity: token.identity,
        expiresAt: Date.now() + token.ttlSeconds * 1000,
      };
    } else {
      this.token = { ok: false, code: token.code, message: token.message };
    }
  }

  private async refreshToken(device: Device): Promise<void> {
    const identity = this.state.identity;
    if (!identity) return;
    const token = await fetchVoiceToken({ url: this.tokenUrl, identity, passcode: this.passcode });
    this.noteToken(token);
    if (token.ok) {
      device.updateToken(token.token);
      this.log('トークンを更新しました');
    } else {
      this.showError({ message: `トークンを更新できません: ${token.message}`, code: token.code });
    }
  }

  private async dial(): Promise<void> {
    const destination = checkDestinationField(this.elements.destination.value, this.state.identity);
    if (!destination.ok) {
      this.showError({ message: destination.message, code: 'identity_invalid' });
      this.elements.destination.focus();
      return;
    }
    if (!this.device) return;
    this.showError(null);
    this.dispatch({ type: 'dialed', to: destination.value });
    this.log(`${destination.value} さんに発信します`);
    try {
      const config = rtcConfiguration(this.emulator);
      const call = await this.device.connect({
        params: { To: destination.value },
        ...(config ? { rtcConfiguration: config } : {}),
      });
      this.watchCall(call);
    } catch (error) {
      this.dispatch({ type: 'call-ended' });
      this.fail(error as TwilioErrorLike);
    }
  }

  private onIncoming(call: Call): void {
    if (this.call) {
      // One call at a time: a second caller hears the line as busy.
      call.reject();
      this.log('通話中のため、着信を拒否しました');
      return;
    }
    const from = (call.parameters.From ?? '').replace(/^client:/, '');
    this.showError(null);
    this.watchCall(call);
    this.dispatch({ type: 'incoming', from });
    this.log(`${from} さんから着信`);
  }

  private answer(): void {
    const config = rtcConfiguration(this.emulator);
    this.call?.accept(config ? { rtcConfiguration: config } : {});
  }

  private rejectIncoming(): void {
    if (!this.call) return;
    this.call.reject();
    this.log('着信を拒否しました');
    this.endCall();
  }

  /**
   * The browsers' media did not connect (emulator mode: laptop to laptop). Both
   * phones say it in words: this one ends the call, and the other, hung up on
   * before its own watch fired, says the same on the disconnect (see watchCall).
   */
  private mediaFailed(): void {
    if (!this.call || this.mediaUp) return;
    this.showMediaFailure();
    this.call.disconnect();
  }

  private showMediaFailure(): void {
    // In room calls, the instructor's board shows it too: a venue problem shows on many rows.
    if (this.emulator?.inRoom && this.state.peer !== null) {
      void reportMediaProblem(this.state.peer);
    }
    this.showError({
      message: '相手の PC と音声がつながりませんでした。',
      hint: '会場の Wi-Fi が端末どうしの通信を止めている(クライアント分離)か、VPN やファイアウォールが UDP を止めています。VPN を切るか、講師に伝えてください(pnpm run doctor --room で確かめられます)。',
      code: 'media_unreachable',
    });
  }

  private watchCall(call: Call): void {
    this.call = call;
    this.mediaUp = false;
    let acceptedAt: number | null = null;
    call.on('ringing', () => {
      this.dispatch({ type: 'ringing' });
      this.log('呼び出しています');
      if (this.emulator) this.ringback.start();
    });
    call.on('accept', () => {
      acceptedAt = performance.now();
      this.ringback.stop();
      this.dispatch({ type: 'accepted' });
      this.log('通話を開始しました');
    });
    call.on('mute', (muted: boolean) => {
      this.dispatch({ type: 'mute-changed', muted });
      this.log(muted ? 'ミュートしました' : 'ミュートを解除しました');
    });
    call.on('volume', (input: number) => {
      this.elements.micLevel.value = input;
    });
    call.on('disconnect', () => {
      // Hung up on after a while without media: the other side's watch gave up first.
      if (
        this.emulator &&
        acceptedAt !== null &&
        !this.mediaUp &&
        performance.now() - acceptedAt > MEDIA_SILENCE_MS
      ) {
        this.showMediaFailure();
      }
      this.log('通話が終了しました');
      this.endCall();
    });
    call.on('cancel', () => {
      this.log('相手が発信を取りやめました');
      this.endCall();
    });
    call.on('reject', () => this.endCall());
    call.on('error', (error: TwilioErrorLike) => {
      this.fail(error);
      this.endCall();
    });
  }

  private endCall(): void {
    this.ringback.stop();
    this.call = null;
    this.elements.micLevel.value = 0;
    this.dispatch({ type: 'call-ended' });
    setTimeout(() => this.dispatch({ type: 'end-acknowledged' }), ENDED_NOTICE_MS);
  }

  private async listDevices(device: Device): Promise<void> {
    const audio = device.audio;
    if (!audio) return;
    fillSelect(this.elements.inputDevice, audio.availableInputDevices, audio.inputDevice?.deviceId);
    if (audio.isOutputSelectionSupported) {
      const current = [...audio.speakerDevices.get()][0]?.deviceId;
      fillSelect(this.elements.outputDevice, audio.availableOutputDevices, current);
    }
    if (!audio.inputDevice && audio.availableInputDevices.size > 0) {
      // Selecting a microphone starts the level meter before any call.
      await audio
        .setInputDevice(this.elements.inputDevice.value || 'default')
        .catch((error: unknown) => {
          this.fail(error as TwilioErrorLike);
        });
    }
  }
}

function fillSelect(
  select: HTMLSelectElement,
  devices: Map<string, MediaDeviceInfo>,
  current?: string,
): void {
  select.replaceChildren(
    ...[...devices.values()].map((info, index) => {
      const option = document.createElement('option');
      option.value = info.deviceId;
      option.textContent = info.label || `デバイス ${index + 1}`;
      option.selected = info.deviceId === current;
      return option;
    }),
  );
  select.disabled = devices.size === 0;
}
