type TokenEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
};

// /token: ブラウザ電話のアクセストークンを発行する(Public)
exports.handler = function (context: Context<TokenEnv>, event: {}, callback: ServerlessCallback) {
  // [2-1] identity: トークンの持ち主の名前。この手順では全員 user
  const identity = 'user';

  // [2-6] 設定漏れ: 足りない環境変数を名前で知らせる(スタックトレースを見せない)
  const required = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID'] as const;
  const missing = required.filter((name) => !context[name]);
  if (missing.length > 0) {
    const response = new Twilio.Response();
    response.setStatusCode(500);
    response.appendHeader('Content-Type', 'application/json');
    response.setBody({
      error: {
        code: 'config_missing',
        message: `環境変数 ${missing.join(', ')} が設定されていません。`,
      },
    });
    return callback(null, response);
  }

  // [2-2] AccessToken と Voice グラント: トークンと、その中に入れる Voice の許可
  const AccessToken = Twilio.jwt.AccessToken;
  const VoiceGrant = AccessToken.VoiceGrant;

  // [2-3] Voice グラント: 発信すると TwiML App の Voice URL が呼ばれる。この手順では着信は受けない
  const voiceGrant = new VoiceGrant({
    outgoingApplicationSid: context.TWIML_APP_SID,
    incomingAllow: false,
  });

  // [2-4] AccessToken: API キーで署名し、identity と VoiceGrant を入れる
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, {
    identity: identity,
  });
  token.addGrant(voiceGrant);

  // [2-5] toJwt: 文字列にしたトークンを JSON で返す
  callback(null, { token: token.toJwt() });
};
