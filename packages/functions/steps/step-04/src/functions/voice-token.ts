const { createHash, timingSafeEqual } = require('node:crypto') as typeof import('node:crypto'); // [4-1]

type TokenEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
  TOKEN_TTL_SECONDS?: string; // [3-5]
  WORKSHOP_PASSCODE?: string; // [4-1]
  ALLOWED_ORIGINS?: string; // [4-2]
};
// [4-1] 合言葉: パラメーター passcode か、ヘッダー X-Workshop-Passcode で受け取る(ヘッダーも読む型)
type TokenEvent = ServerlessEventObject<
  { identity?: unknown; passcode?: unknown },
  {
    'x-workshop-passcode'?: string;
    origin?: string; // [4-2]
  }
>;

// /voice-token: 指定された identity のアクセストークンを発行する(Public)
exports.handler = function (
  context: Context<TokenEnv>,
  event: TokenEvent,
  callback: ServerlessCallback,
) {
  // [3-3] 応答: Twilio.Response で JSON を返す。エラーも { error: { code, message } } の JSON
  const response = new Twilio.Response();
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store'); // [4-3] no-store: トークンをキャッシュに残さない
  const fail = (status: number, code: string, message: string) => {
    response.setStatusCode(status);
    response.setBody({ error: { code, message } });
    return callback(null, response);
  };

  // [4-2] CORS: ALLOWED_ORIGINS に書いたオリジンのページにだけ応答を読ませる(* は使わない)
  const origin = event.request.headers.origin;
  const allowed = (context.ALLOWED_ORIGINS ?? '').split(',').map((entry) => entry.trim());
  if (origin && allowed.includes(origin)) {
    response.appendHeader('Access-Control-Allow-Origin', origin);
    response.appendHeader('Vary', 'Origin');
  }

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

  // [4-1] 合言葉: WORKSHOP_PASSCODE があれば、知っている人にだけ発行する
  const passcode = context.WORKSHOP_PASSCODE;
  const given = event.request.headers['x-workshop-passcode'] ?? event.passcode;
  if (passcode && !(typeof given === 'string' && sameText(given, passcode))) {
    return given
      ? fail(401, 'passcode_invalid', '合言葉(passcode)が違います。')
      : fail(401, 'passcode_required', '合言葉(passcode)を入力してください。');
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

// [4-1] 2 つの文字列が等しいか。ハッシュしてから比べ、かかる時間から合言葉を推測させない
function sameText(a: string, b: string) {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
