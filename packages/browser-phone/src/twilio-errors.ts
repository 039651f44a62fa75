/**
 * Twilio error codes the phone can meet, in Japanese, each with what to do.
 * Codes come from the SDK (TwilioError.code) or from the token endpoint.
 */
export interface ErrorExplanation {
  message: string;
  hint: string;
}

const TOKEN_HINT =
  'トークンを発行した Function の ACCOUNT_SID・API_KEY・API_SECRET の組み合わせを確認し、もう一度「初期化」してください。';
const MIC_HINT =
  'ブラウザのアドレスバーにあるマイクの設定で、このページにマイクの使用を許可してから、もう一度試してください。';

/**
 * Where a code is defined, so that a test can hold the table against it.
 * - `sdk`: the class in `@twilio/voice-sdk`'s `errorsByCode`
 *   (lib/twilio/errors/generated.ts), written `Namespace.ClassName`.
 * - `catalogue`: a code of Twilio's error catalogue that the SDK has no class for;
 *   it reaches the phone as the `originalError` of a 31005 (see meaningfulCode).
 */
export type ErrorSource = { sdk: string } | { catalogue: string };

export interface KnownError extends ErrorExplanation {
  source: ErrorSource;
}

/** The codes the phone explains, each with the name its source gives it. */
export const KNOWN_ERRORS: Readonly<Record<number, KnownError>> = {
  20101: {
    source: { sdk: 'AuthorizationErrors.AccessTokenInvalid' },
    message: 'アクセストークンが無効です。',
    hint: TOKEN_HINT,
  },
  20104: {
    source: { sdk: 'AuthorizationErrors.AccessTokenExpired' },
    message: 'アクセストークンの有効期限が切れています。',
    hint: 'もう一度「初期化」してください。',
  },
  20151: {
    source: { sdk: 'AuthorizationErrors.AuthenticationFailed' },
    message: 'アクセストークンでの認証に失敗しました。',
    hint: TOKEN_HINT,
  },
  31000: {
    source: { sdk: 'GeneralErrors.UnknownError' },
    message: '通話中にエラーが発生しました。',
    hint: 'ページを再読み込みして、もう一度試してください。',
  },
  31005: {
    source: { sdk: 'GeneralErrors.ConnectionError' },
    message: 'Twilio(またはエミュレーター)との接続でエラーが発生しました。',
    hint: 'ネットワークと、TwiML App の Voice URL(/call)を確認してください。',
  },
  31009: {
    source: { sdk: 'GeneralErrors.TransportError' },
    message: 'シグナリングサーバーに接続できません。',
    hint: 'ネットワーク接続を確認してください。',
  },
  31201: {
    source: { sdk: 'AuthorizationErrors.AuthorizationError' },
    message: 'この操作の権限がありません(トークンに発信または着信の権限がありません)。',
    hint: 'トークンの Voice グラント(outgoingApplicationSid と incomingAllow)を確認してください。',
  },
  31204: {
    source: { sdk: 'AuthorizationErrors.InvalidJWTTokenError' },
    message: 'アクセストークン(JWT)が無効です。',
    hint: TOKEN_HINT,
  },
  31205: {
    source: { sdk: 'AuthorizationErrors.JWTTokenExpiredError' },
    message: 'アクセストークン(JWT)の有効期限が切れています。',
    hint: 'もう一度「初期化」してください。',
  },
  31207: {
    source: { sdk: 'AuthorizationErrors.JWTTokenExpirationTooLongError' },
    message: 'アクセストークンの有効期間が長すぎます(最大 24 時間)。',
    hint: 'TOKEN_TTL_SECONDS を 86400 以下にしてください。',
  },
  31209: {
    source: { sdk: 'AuthorizationErrors.ReconnectAttemptError' },
    message: '通話に再接続できませんでした。',
    hint: 'ネットワークを確認して、もう一度発信してください。',
  },
  31401: {
    source: { sdk: 'UserMediaErrors.PermissionDeniedError' },
    message: 'マイクの使用が許可されていません。',
    hint: MIC_HINT,
  },
  31402: {
    source: { sdk: 'UserMediaErrors.AcquisitionFailedError' },
    message: 'マイクを取得できません。',
    hint: 'マイクが接続されているか、他のアプリが使っていないか確認してください。',
  },
  31480: {
    source: { sdk: 'ClientErrors.TemporarilyUnavailable' },
    message: '相手が応答しませんでした。',
    hint: '相手のブラウザ電話が「初期化」済みか確認してください。',
  },
  31486: {
    source: { sdk: 'ClientErrors.BusyHere' },
    message: '相手は通話中です。',
    hint: 'しばらくしてから発信してください。',
  },
  31603: {
    source: { sdk: 'SIPServerErrors.Decline' },
    message: '相手が着信を拒否しました。',
    hint: '',
  },
  53405: {
    source: { sdk: 'MediaErrors.ConnectionError' },
    message: '音声の接続(メディア)を確立できませんでした。',
    hint: 'ネットワークやファイアウォールが通話の音声(UDP)を止めていないか確認してください。エミュレーターでは、電話がエミュレーターモードで動いていない(オファーに ICE 候補がない)ときにも出ます。',
  },
  11200: {
    source: { catalogue: 'HTTP retrieval failure' },
    message: 'TwiML App の Voice URL(/call)から応答がありませんでした。',
    hint: 'TwiML App の Voice URL と、/call の Function がデプロイされているかを確認してください。',
  },
  12100: {
    source: { catalogue: 'Document parse failure' },
    message: '/call が返した TwiML を解釈できませんでした。',
    hint: '/call の Function が <Dial><Client> を返しているか確認してください。',
  },
  12300: {
    source: { catalogue: 'Invalid Content-Type' },
    message: '/call の応答の Content-Type が TwiML(text/xml)ではありません。',
    hint: '/call の Function が VoiceResponse を callback に渡しているか確認してください。',
  },
  21218: {
    source: { catalogue: 'Invalid ApplicationSid' },
    message: 'トークンの TwiML App と、使われている TwiML App が一致しません。',
    hint: 'TWIML_APP_SID が TwiML App の SID と同じか確認してください。',
  },
};

export function explainTwilioError(code: number | undefined): ErrorExplanation {
  const known = code === undefined ? undefined : KNOWN_ERRORS[code];
  if (known) return { message: known.message, hint: known.hint };
  return {
    message: 'エラーが発生しました。',
    hint: 'イベントログのエラーコードを、ドキュメントのトラブルシューティングで確認してください。',
  };
}

/**
 * In a room (`pnpm dev --room`), the room's emulator refuses a token (31204, which
 * the SDK shows as 20101) only when the instructor removed the attendee or the
 * token names someone else's phone: say that, not "check your credentials".
 */
export function explainRoomError(code: number | undefined): ErrorExplanation {
  if (code === 20101 || code === 31204) {
    return {
      message: '教室がこの電話の登録を断りました。',
      hint: '講師があなたを教室から退室させたか、トークンの名前があなたの電話の名前ではありません。講師に確かめてください(もう一度参加するには pnpm room:leave と pnpm room:join)。',
    };
  }
  return explainTwilioError(code);
}

interface TwilioErrorShape {
  code?: number;
  originalError?: { code?: unknown };
}

/**
 * The SDK wraps errors from the TwiML App (11200, 12100, …) as 31005; the code
 * that says what to fix is the original one, when there is one.
 */
export function meaningfulCode(error: TwilioErrorShape): number | undefined {
  const original = error.originalError?.code;
  if (error.code === 31005 && typeof original === 'number') return original;
  return error.code;
}
