import type { DeviceConnection } from './connection.js';
import { SignalError, type WireError, wireError } from './error-codes.js';
import { newReconnectToken, newSid } from './sids.js';
import { parseTwiml, type Verb } from './twiml.js';
import type { VoiceWebhookSender } from './webhook.js';

/** One side of a call as one device sees it, under its own CallSid. */
export interface Leg {
  sid: string;
  role: 'caller' | 'callee';
  identity: string;
  /** null while its socket is gone and the reconnect grace runs. */
  connection: DeviceConnection | null;
  reconnectToken: string;
  state: 'ringing' | 'answered' | 'ended';
  graceTimer: NodeJS.Timeout | null;
  call: Call;
}

/** What a call needs from the emulator around it. */
export interface CallHost {
  accountSid: string;
  /** Signs the webhook. */
  authToken: string;
  webhookTimeoutMs: number;
  /** Sends the Voice webhook (a POST, or the room's member connection). */
  voiceWebhook: VoiceWebhookSender;
  dialTimeoutSeconds: number;
  /** Registered devices of an identity, split by whether their token allows incoming calls. */
  devicesOf(identity: string): { ringable: DeviceConnection[]; withoutIncomingGrant: number };
  addLeg(leg: Leg): void;
  /** A callee answered: the call is connected (what a watcher of the calls sees). */
  callConnected(call: Call): void;
  callEnded(call: Call): void;
  log(line: string): void;
}

type DialOutcome = { bridged: true } | { bridged: false; error: WireError | null };

export interface NewCallRequest {
  caller: DeviceConnection;
  callerIdentity: string;
  temporarySid: string;
  offerSdp: string;
  /** The TwiML App the caller's token names, and its Voice URL when the call was placed. */
  applicationSid: string;
  voiceUrl: string;
  /** The caller's `connect({ params })`, `To` included. */
  params: Record<string, string>;
}

/**
 * A call from one browser: the Voice URL webhook, its TwiML, and for
 * `<Dial><Client>` the callee legs, relayed SDP, answer, cancel and hangup.
 * Media never passes through here: the browsers talk peer to peer.
 */
export class Call {
  readonly sid = newSid('CA');
  readonly temporarySid: string;
  readonly callerLeg: Leg;
  readonly startedAt = performance.now();
  /** Wall-clock times, for the people watching (the room's board). */
  readonly placedAt = Date.now();
  connectedAt: number | null = null;
  phase: 'webhook' | 'twiml' | 'ringing' | 'bridged' | 'ended' = 'webhook';
  private readonly offerSdp: string;
  readonly applicationSid: string;
  private readonly voiceUrl: string;
  private readonly params: Record<string, string>;
  private readonly abort = new AbortController();
  private ringingLegs: Leg[] = [];
  private answeredLeg: Leg | null = null;
  private sentRinging = false;
  private dialTimer: NodeJS.Timeout | null = null;
  private settleDial: ((outcome: DialOutcome) => void) | null = null;

  constructor(
    private readonly host: CallHost,
    request: NewCallRequest,
  ) {
    this.temporarySid = request.temporarySid;
    this.offerSdp = request.offerSdp;
    this.applicationSid = request.applicationSid;
    this.voiceUrl = request.voiceUrl;
    this.params = request.params;
    this.callerLeg = {
      sid: this.sid,
      role: 'caller',
      identity: request.callerIdentity,
      connection: request.caller,
      reconnectToken: newReconnectToken(),
      state: 'ringing',
      graceTimer: null,
      call: this,
    };
  }

  get isEnded(): boolean {
    return this.phase === 'ended';
  }

  /** What the caller dialled (`To`), as the caller's `connect({ params })` gave it. */
  get to(): string {
    return this.params.To ?? '';
  }

  /** The identity that answered; null until then. */
  get answeredBy(): string | null {
    return this.answeredLeg?.identity ?? null;
  }

  /** Runs the Voice URL and its TwiML to the end; never throws. */
  async run(): Promise<void> {
    try {
      await this.runTwiml();
    } catch (error) {
      this.log(`内部エラー: ${(error as Error).message}`);
      this.end(
        wireError(SignalError.shuttingDown, 'エミュレーターの内部エラーで通話を終了しました'),
      );
    }
  }

  private async runTwiml(): Promise<void> {
    const { To: to = '', ...custom } = this.params;
    const from = `client:${this.callerLeg.identity}`;
    const webhookParams: Record<string, string> = {
      ...custom,
      AccountSid: this.host.accountSid,
      ApiVersion: '2010-04-01',
      ApplicationSid: this.applicationSid,
      CallSid: this.sid,
      CallStatus: 'ringing',
      Caller: from,
      Direction: 'inbound',
      From: from,
      To: to,
    };
    this.log(`発信 ${from} → To=${JSON.stringify(to)}: Voice URL を呼びます`);
    const result = await this.host.voiceWebhook({
      applicationSid: this.applicationSid,
      url: this.voiceUrl,
      params: webhookParams,
      authToken: this.host.authToken,
      timeoutMs: this.host.webhookTimeoutMs,
      signal: this.abort.signal,
    });
    if (this.isEnded) return;
    if (!result.ok) {
      if (result.aborted) return;
      this.log(
        `Voice URL 失敗 ${result.error.code} (${result.elapsedMs} ms): ${result.error.message}`,
      );
      return this.end(result.error);
    }
    this.log(`Voice URL 応答 (${result.elapsedMs} ms)`);
    const twiml = parseTwiml(result.twiml);
    if (!twiml.ok) {
      this.log(`TwiML エラー 12100: ${twiml.reason}`);
      return this.end(
        wireError(SignalError.twimlInvalid, `TwiML を実行できません: ${twiml.reason}`),
      );
    }
    this.phase = 'twiml';
    let lastDialError: WireError | null = null;
    for (const verb of twiml.verbs) {
      if (this.isEnded) return;
      const next = await this.runVerb(verb);
      if (next === 'stop' || this.isEnded) return;
      if (next !== 'continue') lastDialError = next.error;
    }
    this.log('TwiML の終わり: 発信者を切断します');
    this.end(lastDialError);
  }

  private async runVerb(verb: Verb): Promise<'continue' | 'stop' | { error: WireError | null }> {
    switch (verb.verb) {
      case 'Say':
        this.log(`<Say> ${JSON.stringify(verb.text)}(音声は再生しません)`);
        return 'continue';
      case 'Play':
        this.log(`<Play> ${verb.url}(音声は再生しません)`);
        return 'continue';
      case 'Pause':
        this.log(`<Pause> ${verb.seconds} 秒`);
        await this.sleep(verb.seconds * 1000);
        return 'continue';
      case 'Hangup':
        this.log('<Hangup>');
        this.end(null);
        return 'stop';
      case 'Reject':
        this.log(`<Reject reason="${verb.reason}">`);
        this.end(
          verb.reason === 'busy'
            ? wireError(SignalError.busy, '相手は話し中です')
            : wireError(SignalError.declined, '通話が拒否されました'),
        );
        return 'stop';
      case 'Dial': {
        const outcome = await this.dial(verb);
        return outcome.bridged ? 'stop' : { error: outcome.error };
      }
    }
  }

  /** Rings every registered device of every `<Client>` at once; the first answer wins. */
  private dial(verb: Extract<Verb, { verb: 'Dial' }>): Promise<DialOutcome> {
    let registered = 0;
    const legs: Leg[] = [];
    for (const client of verb.clients) {
      const { ringable, withoutIncomingGrant } = this.host.devicesOf(client.identity);
      registered += ringable.length + withoutIncomingGrant;
      for (const device of ringable) legs.push(this.openCalleeLeg(client.identity, device));
    }
    const names = verb.clients.map((client) => client.identity).join(', ');
    if (registered === 0) {
      this.log(`<Dial> ${names}: 登録されている端末がありません`);
      return Promise.resolve({
        bridged: false,
        error: wireError(SignalError.calleeUnavailable, `着信先 ${names} は登録されていません`),
      });
    }
    if (legs.length === 0) {
      this.log(`<Dial> ${names}: 着信を許可したトークンの端末がありません`);
      return Promise.resolve({
        bridged: false,
        error: wireError(
          SignalError.notAuthorized,
          `着信先 ${names} のトークンは着信を許可していません(incomingAllow)`,
        ),
      });
    }

    const timeoutSeconds = verb.timeoutSeconds ?? this.host.dialTimeoutSeconds;
    const callerId = verb.callerId ?? `client:${this.callerLeg.identity}`;
    const { To: _to, ...custom } = this.params;
    this.phase = 'ringing';
    this.ringingLegs = legs;
    for (const [index, leg] of legs.entries()) {
      const extra = verb.clients.find((client) => client.identity === leg.identity)?.parameters;
      leg.connection?.send({
        type: 'invite',
        payload: {
          callsid: leg.sid,
          sdp: this.offerSdp,
          reconnect: leg.reconnectToken,
          parameters: {
            CallSid: leg.sid,
            AccountSid: this.host.accountSid,
            ApiVersion: '2010-04-01',
            From: callerId,
            To: `client:${leg.identity}`,
            Params: encodeCustomParams({ ...custom, ...extra }),
          },
        },
      });
      this.log(
        `着信 ${leg.sid} → ${leg.connection?.label ?? leg.identity} (${index + 1}/${legs.length})`,
      );
    }
    if (!this.sentRinging) {
      this.sentRinging = true;
      this.callerLeg.connection?.send({ type: 'ringing', payload: { callsid: this.sid } });
    }
    this.log(
      `呼出中 ${names}: ${legs.length} 台、${timeoutSeconds} 秒(answerOnBridge=${verb.answerOnBridge})`,
    );
    return new Promise((resolve) => {
      this.settleDial = resolve;
      this.dialTimer = setTimeout(() => {
        this.log(`応答なし(${timeoutSeconds} 秒)`);
        this.finishDial({
          bridged: false,
          error: wireError(
            SignalError.calleeUnavailable,
            `着信先が ${timeoutSeconds} 秒以内に応答しませんでした`,
          ),
        });
      }, timeoutSeconds * 1000);
    });
  }

  private openCalleeLeg(identity: string, device: DeviceConnection): Leg {
    const leg: Leg = {
      sid: newSid('CA'),
      role: 'callee',
      identity,
      connection: device,
      reconnectToken: newReconnectToken(),
      state: 'ringing',
      graceTimer: null,
      call: this,
    };
    this.host.addLeg(leg);
    return leg;
  }

  /** Ends the ringing phase: cancels every leg still ringing, then resumes the TwiML. */
  private finishDial(outcome: DialOutcome): void {
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    for (const leg of this.ringingLegs) this.cancelLeg(leg);
    this.ringingLegs = [];
    if (!this.isEnded && !outcome.bridged) this.phase = 'twiml';
    const settle = this.settleDial;
    this.settleDial = null;
    settle?.(outcome);
  }

  private cancelLeg(leg: Leg): void {
    if (leg.state !== 'ringing') return;
    leg.state = 'ended';
    leg.connection?.send({ type: 'cancel', payload: { callsid: leg.sid } });
  }

  /** A callee device accepted: it wins, the others are cancelled, the caller gets its SDP. */
  calleeAnswered(leg: Leg, answerSdp: string): void {
    if (this.phase !== 'ringing' || leg.state !== 'ringing') {
      // Too late (another device won, or the caller left): its accepted Call must still end.
      leg.connection?.send({ type: 'hangup', payload: { callsid: leg.sid } });
      return;
    }
    leg.state = 'answered';
    this.answeredLeg = leg;
    this.ringingLegs = this.ringingLegs.filter((other) => other !== leg);
    this.phase = 'bridged';
    this.connectedAt = Date.now();
    this.callerLeg.state = 'answered';
    this.callerLeg.connection?.send({
      type: 'answer',
      payload: { callsid: this.sid, sdp: answerSdp, reconnect: this.callerLeg.reconnectToken },
    });
    const elapsed = Math.round(performance.now() - this.startedAt);
    this.log(`応答 ${leg.connection?.label ?? leg.identity}(発信から ${elapsed} ms)`);
    this.finishDial({ bridged: true });
    this.host.callConnected(this);
  }

  /** A callee declined: like a SIP 603, it ends the Dial for every device. */
  calleeRejected(leg: Leg): void {
    if (this.phase !== 'ringing' || leg.state !== 'ringing') return;
    leg.state = 'ended';
    this.log(`拒否 ${leg.connection?.label ?? leg.identity}`);
    this.finishDial({
      bridged: false,
      error: wireError(SignalError.declined, '着信が拒否されました'),
    });
  }

  /** A ringing device left (socket gone past its grace, or it hung up before answering). */
  calleeWithdrew(leg: Leg): void {
    if (leg.state !== 'ringing') return;
    leg.state = 'ended';
    this.ringingLegs = this.ringingLegs.filter((other) => other !== leg);
    if (this.phase === 'ringing' && this.ringingLegs.length === 0) {
      this.finishDial({
        bridged: false,
        error: wireError(SignalError.calleeUnavailable, '着信先の端末がすべて切断されました'),
      });
    }
  }

  /** `hangup` from a device, or its socket gone for good. */
  legHungUp(leg: Leg, reason: string): void {
    if (this.isEnded) return;
    if (leg.role === 'callee' && leg.state === 'ringing') {
      this.calleeWithdrew(leg);
      return;
    }
    this.log(`切断 ${leg.role === 'caller' ? '発信者' : '着信者'} ${leg.identity}: ${reason}`);
    leg.state = 'ended';
    leg.connection = null; // it knows: nothing goes back to it
    this.end(null);
  }

  sendDigits(from: Leg, digits: string): void {
    const to = from.role === 'caller' ? this.answeredLeg : this.callerLeg;
    if (this.phase !== 'bridged' || !to) return;
    to.connection?.send({ type: 'dtmf', payload: { callsid: to.sid, dtmf: digits } });
    this.log(`DTMF ${from.identity} → ${to.identity}: ${digits}`);
  }

  /**
   * Ends the call once: the caller gets `hangup` (with the error, if any),
   * ringing callees `cancel`, an answered callee `hangup`.
   */
  end(error: WireError | null): void {
    if (this.isEnded) return;
    if (this.dialTimer) clearTimeout(this.dialTimer);
    this.dialTimer = null;
    for (const leg of this.ringingLegs) this.cancelLeg(leg);
    this.ringingLegs = [];
    this.phase = 'ended';
    this.abort.abort();
    if (this.callerLeg.state !== 'ended') {
      this.callerLeg.state = 'ended';
      // Until `ringing` gives it our CallSid, the caller knows its call only by the TJS id.
      const callsid = this.sentRinging ? this.sid : this.temporarySid;
      this.callerLeg.connection?.send({
        type: 'hangup',
        payload: error ? { callsid, error } : { callsid },
      });
    }
    if (this.answeredLeg && this.answeredLeg.state !== 'ended') {
      this.answeredLeg.state = 'ended';
      this.answeredLeg.connection?.send({
        type: 'hangup',
        payload: { callsid: this.answeredLeg.sid },
      });
    }
    const elapsed = Math.round(performance.now() - this.startedAt);
    this.log(`終了${error ? ` ${error.code}` : ''}(${elapsed} ms)`);
    const settle = this.settleDial;
    this.settleDial = null;
    settle?.({ bridged: false, error });
    this.host.callEnded(this);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private log(line: string): void {
    this.host.log(`[${this.sid}] ${line}`);
  }
}

/**
 * `Params` as the SDK reads it (`queryToJson`): keys are not decoded, values
 * are: `key=encodeURIComponent(value)` joined with `&`. Keys that would break
 * that split are dropped.
 */
export function encodeCustomParams(params: Record<string, string>): string {
  return Object.entries(params)
    .filter(([key]) => key !== '' && !/[&=%]/.test(key))
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
}
