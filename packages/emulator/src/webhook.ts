import twilio from 'twilio';
import { SignalError, type SignalErrorCode, type WireError, wireError } from './error-codes.js';

export interface VoiceWebhookRequest {
  /** The TwiML App's Voice URL, exactly as it is called (the signature covers it). */
  url: string;
  params: Record<string, string>;
  authToken: string;
  timeoutMs: number;
  /** Aborted when the caller hangs up before the TwiML arrives. */
  signal: AbortSignal;
}

/**
 * How a call's Voice webhook reaches the App's Voice URL. The default POSTs it
 * (`fetchVoiceTwiml`); the room sends it to the member's laptop over the
 * connection that laptop opened, with the same request and the same results.
 */
export type VoiceWebhookSender = (
  request: VoiceWebhookRequest & { applicationSid: string },
) => Promise<VoiceWebhookResult>;

export type VoiceWebhookResult =
  | { ok: true; twiml: string; elapsedMs: number }
  | { ok: false; aborted: true; elapsedMs: number }
  | { ok: false; aborted: false; error: WireError; elapsedMs: number };

/** Twilio refuses TwiML documents over 64 KB. */
const MAX_TWIML_BYTES = 64 * 1024;

/** X-Twilio-Signature, computed by Twilio's own helper library (HMAC-SHA1 of the URL plus sorted params). */
export function signVoiceWebhook(
  authToken: string,
  url: string,
  params: Record<string, string>,
): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

/** A Voice URL's HTTP answer, however it travelled (a POST, or the room's member link). */
export interface VoiceAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * What Twilio makes of a Voice URL's answer: TwiML, or the error the caller
 * gets (11200 for a non-2xx status, 12300 for a content type that is not XML,
 * 12100 over 64 KB).
 */
export function readVoiceAnswer(
  answer: VoiceAnswer,
): { ok: true; twiml: string } | { ok: false; aborted: false; error: WireError } {
  const failure = (code: SignalErrorCode, reason: string) => ({
    ok: false as const,
    aborted: false as const,
    error: wireError(code, reason),
  });
  if (answer.status < 200 || answer.status > 299) {
    return failure(SignalError.webhookFailed, `Voice URL が HTTP ${answer.status} を返しました`);
  }
  if (!/^(text|application)\/xml\b|^text\/html\b/i.test(answer.contentType)) {
    return failure(
      SignalError.twimlContentType,
      `Voice URL の Content-Type が XML ではありません(${answer.contentType || 'なし'})`,
    );
  }
  if (Buffer.byteLength(answer.body) > MAX_TWIML_BYTES) {
    return failure(SignalError.twimlInvalid, 'TwiML が 64 KB を超えています');
  }
  return { ok: true, twiml: answer.body };
}

/**
 * POSTs Twilio's Voice webhook parameters as a form, signed with
 * X-Twilio-Signature (HMAC-SHA1 of the URL plus sorted params, keyed by the
 * auth token), so a Protected `/call` accepts it exactly as it would
 * accept Twilio. Redirects are not followed: the signature is for one URL.
 */
export async function fetchVoiceTwiml(request: VoiceWebhookRequest): Promise<VoiceWebhookResult> {
  const started = performance.now();
  const elapsedMs = () => Math.round(performance.now() - started);
  const failure = (code: SignalErrorCode, reason: string): VoiceWebhookResult => ({
    ok: false,
    aborted: false,
    error: wireError(code, reason),
    elapsedMs: elapsedMs(),
  });
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([timeout, request.signal]);
  const signature = signVoiceWebhook(request.authToken, request.url, request.params);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1 (kit emulator)',
      },
      body: new URLSearchParams(request.params),
      redirect: 'manual',
      signal,
    });
    const body = await response.text();
    return {
      ...readVoiceAnswer({
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body,
      }),
      elapsedMs: elapsedMs(),
    };
  } catch (error) {
    if (request.signal.aborted) {
      return { ok: false, aborted: true, elapsedMs: elapsedMs() };
    }
    if (timeout.aborted) {
      return failure(
        SignalError.webhookFailed,
        `Voice URL が ${request.timeoutMs} ms 以内に応答しませんでした`,
      );
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return failure(SignalError.webhookFailed, `Voice URL に接続できません(${cause})`);
  }
}
