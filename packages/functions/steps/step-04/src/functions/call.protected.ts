// #region imports

import { checkIdentity } from '@kit/shared';
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';

// #endregion imports

/** What Twilio posts to the TwiML App's Voice URL when a browser calls `device.connect()`. */
type CallEvent = ServerlessEventObject<{ To?: unknown; From?: unknown }>;

const CLIENT_PREFIX = 'client:';

// #region handler
/**
 * Protected: Twilio answers only requests it signed itself (X-Twilio-Signature),
 * so nobody else can make this Function dial.
 */
export const handler: ServerlessFunctionSignature<{}, CallEvent> = (context, event, callback) => {
  const twiml = new Twilio.twiml.VoiceResponse();

  // 宛先はブラウザ電話の identity だけ。電話番号(+81…)や SIP URI は通さない(不正発信対策)
  const to = checkIdentity(event.To, 'To');
  const from = callerIdentity(event.From);
  if (!to.ok || from === null) {
    twiml.say({ language: 'ja-JP' }, '宛先が正しくないため、発信できません。');
    twiml.hangup();
    return callback(null, twiml);
  }

  // #region dial
  const dial = twiml.dial({
    callerId: `${CLIENT_PREFIX}${from}`, // 着信側に発信者の identity を見せる
    answerOnBridge: true, // 相手が応答するまで、発信側には呼出音が聞こえる
  });
  dial.client(to.identity);
  // #endregion dial
  return callback(null, twiml);
};
// #endregion handler

/** `client:alice` → `alice`; anything else (a phone number, a SIP URI) → null. */
function callerIdentity(from: unknown): string | null {
  if (typeof from !== 'string' || !from.startsWith(CLIENT_PREFIX)) return null;
  const identity = checkIdentity(from.slice(CLIENT_PREFIX.length));
  return identity.ok ? identity.identity : null;
}
