const { createHash, timingSafeEqual } = require('node:crypto') as typeof import('node:crypto');

type ServiceEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID?: string;
  CONVERSATIONS_SERVICE_SID?: string;
  SYNC_SERVICE_SID?: string;
  TOKEN_TTL_SECONDS?: string;
  WORKSHOP_PASSCODE?: string;
  ALLOWED_ORIGINS?: string;
};
type TokenEvent = ServerlessEventObject<
  { identity?: unknown; grants?: unknown; room?: unknown; passcode?: unknown },
  { origin?: string; 'x-workshop-passcode'?: string }
>;

// /token: 1 つのトークンに、求められた製品の権限をまとめて入れる(?identity=alice&grants=voice,video)
exports.handler = function (
  context: Context<ServiceEnv>,
  event: TokenEvent,
  callback: ServerlessCallback,
) {
  const response = new Twilio.Response();
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  const fail = (status: number, code: string, message: string) => {
    response.setStatusCode(status);
    response.setBody({ error: { code, message } });
    return callback(null, response);
  };
  const origin = event.request.headers.origin;
  const allowed = (context.ALLOWED_ORIGINS ?? '').split(',').map((entry) => entry.trim());
  if (origin && allowed.includes(origin)) {
    response.appendHeader('Access-Control-Allow-Origin', origin);
    response.appendHeader('Vary', 'Origin');
  }

  const missing = (['ACCOUNT_SID', 'API_KEY', 'API_SECRET'] as const).filter(
    (name) => !context[name],
  );
  if (missing.length > 0) {
    return fail(500, 'config_missing', `環境変数 ${missing.join(', ')} が設定されていません。`);
  }
  const ttl = Number(context.TOKEN_TTL_SECONDS || 3600);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86400) {
    return fail(500, 'config_invalid', 'TOKEN_TTL_SECONDS は 1〜86400 の整数にしてください。');
  }
  const passcode = context.WORKSHOP_PASSCODE;
  const given = event.request.headers['x-workshop-passcode'] ?? event.passcode;
  if (passcode && !(typeof given === 'string' && sameText(given, passcode))) {
    return fail(401, 'passcode_invalid', '合言葉(passcode)が違います。');
  }
  const name = /^[A-Za-z0-9_.-]{1,64}$/; // identity と room のルール
  const identity = event.identity;
  if (typeof identity !== 'string' || !name.test(identity)) {
    return fail(
      400,
      'identity_invalid',
      'identity は半角英数字と _ - . の 1〜64 文字にしてください。',
    );
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
  if (room !== '' && !(typeof room === 'string' && name.test(room))) {
    return fail(400, 'room_invalid', 'room は半角英数字と _ - . の 1〜64 文字にしてください。');
  }

  const AccessToken = Twilio.jwt.AccessToken;
  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, {
    identity: identity,
    ttl: ttl,
  });

  // [5-2] グラント: プロダクトごとに足す。サービスに設定がないプロダクトは、足りない変数の名前を伝えて断る
  const unavailable = (variable: string) =>
    fail(400, 'grant_unavailable', `このサービスでは発行できません(${variable} が未設定です)。`);
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

  response.setBody({ token: token.toJwt(), identity, ttlSeconds: ttl });
  callback(null, response);
};

function sameText(a: string, b: string) {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}
