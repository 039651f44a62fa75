type TokenEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
  TOKEN_TTL_SECONDS?: string; // [3-5]
};
type TokenEvent = { identity?: unknown }; // [3-1]

// /voice-token: 指定された identity のアクセストークンを発行する(Public)
exports.handler = function (
  context: Context<TokenEnv>,
  event: TokenEvent,
  callback: ServerlessCallback,
) {
  // [3-3] 応答: Twilio.Response で JSON を返す。エラーも { error: { code, message } } の JSON
  const response = new Twilio.Response();
  response.appendHeader('Content-Type', 'application/json');
  const fail = (status: number, code: string, message: string) => {
    response.setStatusCode(status);
    response.setBody({ error: { code, message } });
    return callback(null, response);
  };

  // [3-3] 設定漏れは、足りない環境変数の名前で知らせる(スタックトレースを見せない)
  const required = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID'] as const;
  const missing = required.filter((name) => !context[name]);
  if (missing.length > 0) {
    return fail(500, 'config_missing', `環境変数 ${missing.join(', ')} が設定されていません。`);
  }

  // [3-5] 有効期間: TOKEN_TTL_SECONDS(既定 3600 秒)。範囲外は設定の誤りとして止める
  const ttl = Number(context.TOKEN_TTL_SECONDS || 3600);
  if (!Number.isInteger(ttl) || ttl < 30 || ttl > 86400) {
    return fail(500, 'config_invalid', 'TOKEN_TTL_SECONDS は 30〜86400 の整数にしてください。');
  }

  // [3-1] identity: リクエストで指定された名前
  const identity = event.identity;
  // [3-4] identity の検査: /call の <Client> に入るので、英数字と _ - . の 1〜64 文字だけ通す
  if (typeof identity !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(identity)) {
    return fail(
      400,
      'identity_invalid',
      'identity は半角英数字と _ - . の 1〜64 文字にしてください。',
    );
  }

  // [2-2] AccessToken と Voice グラント: トークンと、その中に入れる Voice の許可
  const AccessToken = Twilio.jwt.AccessToken;
  const VoiceGrant = AccessToken.VoiceGrant;

  // [3-2] Voice グラント: 発信は TwiML App へ。この手順から着信も受ける
  const voiceGrant = new VoiceGrant({
    outgoingApplicationSid: context.TWIML_APP_SID,
    incomingAllow: true,
  });

  // [2-4] AccessToken: API キーで署名し、identity と VoiceGrant を入れる
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, {
    identity: identity,
    ttl: ttl, // [3-5]
  });
  token.addGrant(voiceGrant);

  // [3-3] 発行したトークンを、identity と一緒に JSON で返す
  response.setBody({
    token: token.toJwt(),
    identity: identity,
    ttlSeconds: ttl, // [3-5]
  });
  callback(null, response);
};
