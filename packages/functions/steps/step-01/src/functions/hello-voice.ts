// /hello-voice: 電話がかかってきたときに Twilio が呼ぶ Function。TwiML で「何をするか」を返す
exports.handler = function (context: Context, event: {}, callback: ServerlessCallback) {
  // [1-1] TwiML: VoiceResponse を作り、読み上げる文を足す
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say({ language: 'ja-JP' }, 'こんにちは。Twilio Functions からの応答です。');

  // [1-2] callback: TwiML を渡すと、ランタイムが text/xml で返す
  callback(null, twiml);
};
