const { createHash, timingSafeEqual } = require('node:crypto') as typeof import('node:crypto'); // [4-1]

type TokenEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID?: string; // [5-2]
  CONVERSATIONS_SERVICE_SID?: string; // [5-2]
  SYNC_SERVICE_SID?: string; // [5-2]
  TOKEN_TTL_SECONDS?: string; // [3-5]
  WORKSHOP_PASSCODE?: string; // [4-1]
  ALLOWED_ORIGINS?: string; // [4-2]
};
// [4-1] 合言葉: パラメーター passcode か、ヘッダー X-Workshop-Passcode で受け取る(ヘッダーも読む型)
type TokenEvent = ServerlessEventObject<
  {
    identity?: unknown;
    passcode?: unknown;
    grants?: unknown; // [5-1]
    room?: unknown; // [5-3]
  },
  {
    'x-workshop-passcode'?: string;
    origin?: string; // [4-2]
  }
>;

// /token: 1 つのトークンに、求められたプロダクトのグラントをまとめて入れる(?identity=alice&grants=voice,video)
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
  const required = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET'] as const; // [5-2]
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

  // [5-1] grants: voice,video のようなカンマ区切りか、grants を繰り返して指定する
  const products = [event.grants].flat().flatMap((value) => String(value ?? '').split(','));
  const wanted = [...new Set(products.map((product) => product.trim()).filter(Boolean))];
  if (wanted.length === 0) {
    return fail(
      400,
      'grant_required',
      'grants に voice、video、chat、sync のどれかを指定してください。',
    );
  }
  // [5-3] room: 指定すると、そのルームにしか入れない Video のトークンになる
  const room = event.room ?? '';
  if (room !== '' && !(typeof room === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(room))) {
    return fail(400, 'room_invalid', 'room は半角英数字と _ - . の 1〜64 文字にしてください。');
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

  const AccessToken = Twilio.jwt.AccessToken;
  // AccessToken: API キーで署名し、identity を入れる(グラントは下で足す) // [5-2]
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, {
    identity: identity,
    ttl: ttl, // [3-5]
  });

  // [5-2] グラント: プロダクトごとに足す。必要な環境変数がないプロダクトは、その変数名を伝えて断る
  const unavailable = (variable: string) =>
    fail(400, 'grant_unavailable', `環境変数 ${variable} が設定されていないので、発行できません。`);
  for (const product of wanted) {
    if (product === 'voice') {
      if (!context.TWIML_APP_SID) return unavailable('TWIML_APP_SID');
      const outgoingApplicationSid = context.TWIML_APP_SID;
      token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid, incomingAllow: true }));
    } else if (product === 'video') {
      token.addGrant(
        new AccessToken.VideoGrant({
          room: typeof room === 'string' && room !== '' ? room : undefined, // [5-3]
        }),
      );
    } else if (product === 'chat') {
      if (!context.CONVERSATIONS_SERVICE_SID) return unavailable('CONVERSATIONS_SERVICE_SID');
      token.addGrant(new AccessToken.ChatGrant({ serviceSid: context.CONVERSATIONS_SERVICE_SID }));
    } else if (product === 'sync') {
      if (!context.SYNC_SERVICE_SID) return unavailable('SYNC_SERVICE_SID');
      token.addGrant(new AccessToken.SyncGrant({ serviceSid: context.SYNC_SERVICE_SID }));
    } else {
      return fail(
        400,
        'grant_unknown',
        'grants に指定できるのは voice、video、chat、sync だけです。',
      );
    }
  }

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
