// #region imports
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';
// #endregion imports

// #region handler
// 電話がかかってきたときに Twilio が呼ぶ Function。TwiML で「何をするか」を返す。
export const handler: ServerlessFunctionSignature = (context, event, callback) => {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say({ language: 'ja-JP' }, 'こんにちは。Twilio Functions からの応答です。');
  // TwiML を callback に渡すと、ランタイムが text/xml で返す
  callback(null, twiml);
};
// #endregion handler
