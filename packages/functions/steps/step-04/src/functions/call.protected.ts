// Twilio が TwiML App の Voice URL に送ってくる値(device.connect() の params も入る)
type CallEvent = { To?: unknown; From?: unknown };

// /call: ブラウザからの発信を、宛先のブラウザにつなぐ TwiML を返す(Protected: Twilio の署名付きの
// リクエストにだけ答えるので、ほかの人はこの Function に発信させられない)
exports.handler = function (context: Context, event: CallEvent, callback: ServerlessCallback) {
  const twiml = new Twilio.twiml.VoiceResponse();
  // [3-6] 宛先 To: device.connect({ params: { To } }) で指定された、相手の identity
  const to = typeof event.To === 'string' ? event.To : ''; // To を繰り返すと配列になる

  // [3-7] 宛先と発信元の検査: ブラウザ電話の identity にだけ発信する。電話番号や SIP URI は通さない(不正発信対策)
  const identity = /^[A-Za-z0-9_.-]{1,64}$/;
  const from = typeof event.From === 'string' ? event.From.replace(/^client:/, '') : '';
  if (!identity.test(to) || event.From !== `client:${from}` || !identity.test(from)) {
    twiml.say({ language: 'ja-JP' }, '宛先が正しくないため、発信できません。');
    twiml.hangup();
    return callback(null, twiml);
  }

  // [3-6] <Dial><Client>: 相手のブラウザを呼び出す
  const dial = twiml.dial({
    callerId: `client:${from}`, // [3-8] 着信側に、発信者の identity を見せる
    answerOnBridge: true, // [3-8] 相手が応答するまで、発信側の通話を開始しない
  });
  dial.client(to);
  callback(null, twiml);
};
