import type { Account } from './account.js';
import { Call, type CallHost, type Leg } from './call.js';
import type { DeviceConnection } from './connection.js';
import { SignalError, wireError } from './error-codes.js';
import { type ClientFrame, stringField } from './frames.js';
import { offersMediaWithoutCandidates } from './sdp.js';
import { revokedKeyError } from './session.js';

export interface SwitchboardSettings
  extends Omit<
    CallHost,
    'accountSid' | 'authToken' | 'addLeg' | 'callConnected' | 'callEnded' | 'log'
  > {
  /** Whose keys a caller's token must still be signed by, and whose Apps route its calls. */
  account: Account;
  reconnectGraceMs: number;
}

/**
 * The hangup for an offer without ICE candidates, Japanese first: without it
 * the call would connect and stay silent, and the learner would not know why.
 */
const OFFER_WITHOUT_CANDIDATES =
  'オファーの SDP に ICE 候補(a=candidate)がないため、通話がつながっても音声が流れません。' +
  '電話をエミュレーターモードで動かしてください(kit/emulator.json を読み、ICE 候補を集め終えてから SDP を送る RTCPeerConnection を Device に渡します)。' +
  '(The offer has no ICE candidates, no a=candidate line, so the call would carry no audio. ' +
  'Run the phone in emulator mode: read kit/emulator.json and give the Device an RTCPeerConnection that sends its SDP once ICE gathering is complete.)';

/** One call as a watcher (the room's board) sees it: who, whom, since when; no SDP, no tokens. */
export interface CallView {
  callSid: string;
  /** The caller's TwiML App: whose Voice URL routes the call. */
  applicationSid: string;
  from: string;
  /** What the caller dialled (`To`); the identity that answered may differ in case. */
  to: string;
  answeredBy: string | null;
  phase: 'webhook' | 'twiml' | 'ringing' | 'bridged';
  /** Epoch ms. */
  placedAt: number;
  connectedAt: number | null;
}

function callView(call: Call): CallView {
  return {
    callSid: call.sid,
    applicationSid: call.applicationSid,
    from: call.callerLeg.identity,
    to: call.to,
    answeredBy: call.answeredBy,
    phase: call.phase === 'ended' ? 'bridged' : call.phase,
    placedAt: call.placedAt,
    connectedAt: call.connectedAt,
  };
}

/** DTMF the SDK may send as a message: digits, `*`, `#`, and `w` pauses. */
const DTMF_PATTERN = /^[0-9A-Da-d*#wW]{1,64}$/;

/**
 * The call table: new calls from `invite`, and every call-control message
 * routed to its leg by CallSid (or the caller's TJS id), only for the
 * identity that owns the leg. It also keeps legs alive across a socket drop
 * for `reconnectGraceMs`, so the SDK's reconnect invite can take them back.
 */
export class Switchboard {
  private readonly calls = new Set<Call>();
  private readonly legsBySid = new Map<string, Leg>();
  private readonly callsByTemporarySid = new Map<string, Call>();
  private readonly legsByReconnectToken = new Map<string, Leg>();
  private readonly host: CallHost;
  private readonly connectedListeners = new Set<(call: CallView) => void>();

  constructor(
    private readonly settings: SwitchboardSettings,
    private readonly log: (line: string) => void,
  ) {
    const { account, ...rest } = settings;
    this.host = {
      ...rest,
      accountSid: account.accountSid,
      authToken: account.authToken,
      addLeg: (leg) => this.indexLeg(leg),
      callConnected: (call) => {
        const view = callView(call);
        for (const listener of [...this.connectedListeners]) listener(view);
      },
      callEnded: (call) => this.forget(call),
      log,
    };
  }

  /** Calls placed since start (each `invite` that reached the Voice URL). */
  callsPlaced = 0;

  get callCount(): number {
    return this.calls.size;
  }

  /** The calls in the table now, as the people watching see them. */
  views(): CallView[] {
    return [...this.calls].filter((call) => !call.isEnded).map(callView);
  }

  onConnected(listener: (call: CallView) => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Handles one call-control frame from an authenticated connection. */
  handle(connection: DeviceConnection, frame: ClientFrame): void {
    const { payload } = frame;
    // Never '' either: a `hangup` without a callsid hangs up every call of that Device.
    const callsid = stringField(payload, 'callsid') || null;
    if (frame.type === 'invite') {
      const reconnect = stringField(payload, 'reconnect');
      if (reconnect === null) this.placeCall(connection, payload);
      else this.reconnect(connection, callsid, reconnect);
      return;
    }
    if (callsid === null) {
      connection.send({
        type: 'error',
        payload: {
          error: wireError(SignalError.malformed, `${frame.type} に callsid がありません`),
        },
      });
      return;
    }
    const leg = this.legFor(connection, callsid);
    if (!leg) {
      this.log(
        `${connection.label}: ${frame.type} の callsid ${callsid} に該当する通話がありません`,
      );
      // An accepted Call waits for the server; tell it the call is gone.
      if (frame.type === 'answer') connection.send({ type: 'hangup', payload: { callsid } });
      return;
    }
    const { call } = leg;
    switch (frame.type) {
      case 'answer': {
        const sdp = stringField(payload, 'sdp');
        if (leg.role !== 'callee' || sdp === null) {
          connection.send({
            type: 'error',
            payload: {
              callsid,
              error: wireError(SignalError.malformed, 'answer は着信側が sdp を付けて送ります'),
            },
          });
          return;
        }
        call.calleeAnswered(leg, sdp);
        return;
      }
      case 'reject':
        if (leg.role === 'callee') call.calleeRejected(leg);
        return;
      case 'hangup':
        call.legHungUp(leg, 'hangup を受信');
        return;
      case 'dtmf': {
        const digits = stringField(payload, 'dtmf');
        if (digits !== null && DTMF_PATTERN.test(digits)) call.sendDigits(leg, digits);
        return;
      }
      case 'message': {
        // User-defined messages go to Twilio's webhook in the cloud; here they are acknowledged only.
        const voiceeventsid = stringField(payload, 'voiceeventsid');
        if (voiceeventsid !== null) {
          connection.send({
            type: 'ack',
            payload: { acktype: 'message', callsid, voiceeventsid },
          });
        }
        return;
      }
      case 'reinvite':
        // An ICE restart needs a media server; a pure relay cannot answer it (PROTOCOL.md).
        this.log(`[${call.sid}] reinvite(ICE 再起動)には対応していません: 無視します`);
        return;
    }
  }

  private placeCall(connection: DeviceConnection, payload: Record<string, unknown>): void {
    const temporarySid = stringField(payload, 'callsid') || null;
    const sdp = stringField(payload, 'sdp');
    if (temporarySid === null) {
      connection.send({
        type: 'error',
        payload: { error: wireError(SignalError.malformed, 'invite に callsid がありません') },
      });
      return;
    }
    const refuse = (code: Parameters<typeof wireError>[0], message: string) => {
      this.log(`${connection.label}: 発信を拒否 ${code}: ${message}`);
      connection.send({
        type: 'hangup',
        payload: { callsid: temporarySid, error: wireError(code, message) },
      });
    };
    if (sdp === null) {
      refuse(SignalError.malformed, 'invite に sdp がありません');
      return;
    }
    const token = connection.token;
    if (!token) {
      refuse(SignalError.tokenInvalid, 'listen で有効なトークンを送ってから発信してください');
      return;
    }
    if (token.expiresAt <= Date.now() / 1000) {
      refuse(SignalError.tokenExpired, 'アクセストークンの有効期限が切れています');
      return;
    }
    if (token.outgoingApplicationSid === null) {
      refuse(SignalError.notAuthorized, 'トークンに発信の権限(outgoingApplicationSid)がありません');
      return;
    }
    if (!this.settings.account.hasKey(token.keySid)) {
      refuse(SignalError.tokenInvalid, revokedKeyError(token.keySid).message);
      return;
    }
    const applicationSid = token.outgoingApplicationSid;
    const voiceUrl = this.settings.account.voiceUrlOf(applicationSid);
    if (voiceUrl === undefined) {
      refuse(
        SignalError.applicationSidInvalid,
        `トークンの outgoingApplicationSid ${JSON.stringify(applicationSid.slice(0, 40))} はこのアカウントの TwiML App にありません`,
      );
      return;
    }
    if (!this.settings.account.keyMayUseApp(token.keySid, applicationSid)) {
      refuse(
        SignalError.applicationSidInvalid,
        `この API キーでは TwiML App ${applicationSid} から発信できません(教室では、自分の TwiML App だけを使えます)`,
      );
      return;
    }
    if (offersMediaWithoutCandidates(sdp)) {
      refuse(SignalError.offerWithoutCandidates, OFFER_WITHOUT_CANDIDATES);
      return;
    }
    if (this.callsByTemporarySid.has(temporarySid)) return; // a duplicate invite: the call is under way
    const call = new Call(this.host, {
      caller: connection,
      callerIdentity: token.identity,
      temporarySid,
      offerSdp: sdp,
      applicationSid,
      voiceUrl,
      params: readTwilioParams(payload),
    });
    this.calls.add(call);
    this.callsPlaced += 1;
    this.callsByTemporarySid.set(temporarySid, call);
    this.indexLeg(call.callerLeg);
    void call.run();
  }

  /** The SDK's reconnect invite: same leg, new (or the same) socket. */
  private reconnect(connection: DeviceConnection, callsid: string | null, token: string): void {
    const leg = this.legsByReconnectToken.get(token);
    if (callsid === null) {
      connection.send({
        type: 'error',
        payload: {
          error: wireError(SignalError.malformed, '再接続の invite に callsid がありません'),
        },
      });
      return;
    }
    if (
      !leg ||
      leg.state === 'ended' ||
      leg.sid !== callsid ||
      leg.identity !== connection.identity
    ) {
      this.log(`${connection.label}: 再接続を拒否(該当する通話がありません)`);
      connection.send({
        type: 'hangup',
        payload: {
          callsid,
          error: wireError(SignalError.reconnectRefused, '再接続できる通話がありません'),
        },
      });
      return;
    }
    this.attach(leg, connection);
    this.log(`[${leg.call.sid}] 再接続 ${connection.label}`);
    if (leg.state === 'answered') {
      connection.send({
        type: 'answer',
        payload: { callsid: leg.sid, reconnect: leg.reconnectToken },
      });
    }
  }

  /** The leg a device names, if that device's identity owns it; a detached leg is re-attached. */
  private legFor(connection: DeviceConnection, callsid: string): Leg | null {
    const leg = this.legsBySid.get(callsid) ?? this.callsByTemporarySid.get(callsid)?.callerLeg;
    if (!leg || leg.state === 'ended' || leg.identity !== connection.identity) return null;
    if (leg.connection !== connection) {
      if (leg.connection?.isOpen) return null; // another tab of the same identity: not its call
      this.attach(leg, connection);
    }
    return leg;
  }

  private attach(leg: Leg, connection: DeviceConnection): void {
    if (leg.graceTimer) clearTimeout(leg.graceTimer);
    leg.graceTimer = null;
    leg.connection = connection;
  }

  /**
   * A socket closed. Its registrations are already gone; its legs wait
   * `reconnectGraceMs` for a reconnect. A caller still ringing holds no
   * reconnect token yet (it comes with `answer`), so its call ends now.
   */
  connectionClosed(connection: DeviceConnection): void {
    for (const leg of [...this.legsBySid.values()]) {
      if (leg.connection !== connection || leg.state === 'ended') continue;
      leg.connection = null;
      if (leg.role === 'caller' && leg.state === 'ringing') {
        leg.call.legHungUp(leg, 'ソケットが閉じました(応答前)');
        continue;
      }
      leg.graceTimer = setTimeout(() => {
        leg.graceTimer = null;
        leg.call.legHungUp(
          leg,
          `ソケットが閉じ、${this.settings.reconnectGraceMs} ms 以内に再接続しませんでした`,
        );
      }, this.settings.reconnectGraceMs);
    }
  }

  /** Shutdown: every call ends, every device is told. */
  endAll(): void {
    for (const call of [...this.calls]) {
      call.end(wireError(SignalError.shuttingDown, 'エミュレーターを停止しました'));
    }
  }

  private indexLeg(leg: Leg): void {
    this.legsBySid.set(leg.sid, leg);
    this.legsByReconnectToken.set(leg.reconnectToken, leg);
  }

  private forget(call: Call): void {
    this.calls.delete(call);
    this.callsByTemporarySid.delete(call.temporarySid);
    for (const [sid, leg] of this.legsBySid) {
      if (leg.call !== call) continue;
      if (leg.graceTimer) clearTimeout(leg.graceTimer);
      leg.graceTimer = null;
      this.legsBySid.delete(sid);
      this.legsByReconnectToken.delete(leg.reconnectToken);
    }
  }
}

/** `invite.twilio.params`: the `connect({ params })` query string, `To` included. */
function readTwilioParams(payload: Record<string, unknown>): Record<string, string> {
  const twilio = payload.twilio;
  if (typeof twilio !== 'object' || twilio === null) return {};
  const query = (twilio as { params?: unknown }).params;
  if (typeof query !== 'string') return {};
  return Object.fromEntries(new URLSearchParams(query));
}
