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
 * The codes the phone explains. Where each is defined is in
 * twilio-error-sources.ts, which only the tests read: the page does not carry it.
 */
export const KNOWN_ERRORS: Readonly<Record<number, ErrorExplanation>> = {
  20101: {
    message: 'アクセストークンが無効です。',
    hint: TOKEN_HINT,
  },
  20104: {
    message: 'アクセストークンの有効期限が切れています。',
    hint: 'もう一度「初期化」してください。',
  },
  20151: {
    message: 'アクセストークンでの認証に失敗しました。',
    hint: TOKEN_HINT,
  },
  31000: {
    message: '通話中にエラーが発生しました。',
    hint: 'ページを再読み込みして、もう一度試してください。',
  },
  31005: {
    message: 'Twilio(またはエミュレーター)との接続でエラーが発生しました。',
    hint: 'ネットワークと、TwiML App の Voice URL(/call)を確認してください。',
  },
  31009: {
    message: 'シグナリングサーバーに接続できません。',
    hint: 'ネットワーク接続を確認してください。',
  },
  31201: {
    message: 'この操作の権限がありません(トークンに発信または着信の権限がありません)。',
    hint: 'トークンの Voice グラント(outgoingApplicationSid と incomingAllow)を確認してください。',
  },
  31204: {
    message: 'アクセストークン(JWT)が無効です。',
    hint: TOKEN_HINT,
  },
  31205: {
    message: 'アクセストークン(JWT)の有効期限が切れています。',
    hint: 'もう一度「初期化」してください。',
  },
  31207: {
    message: 'アクセストークンの有効期間が長すぎます(最大 24 時間)。',
    hint: 'TOKEN_TTL_SECONDS を 86400 以下にしてください。',
  },
  31209: {
    message: '通話に再接続できませんでした。',
    hint: 'ネットワークを確認して、もう一度発信してください。',
  },
  31401: {
    message: 'マイクの使用が許可されていません。',
    hint: MIC_HINT,
  },
  31402: {
    message: 'マイクを取得できません。',
    hint: 'マイクが接続されているか、他のアプリが使っていないか確認してください。',
  },
  31480: {
    message: '相手が応答しませんでした。',
    hint: '相手のブラウザ電話が「初期化」済みか確認してください。',
  },
  31486: {
    message: '相手は通話中です。',
    hint: 'しばらくしてから発信してください。',
  },
  31603: {
    message: '相手が着信を拒否しました。',
    hint: '',
  },
  53405: {
    message: '音声の接続(メディア)を確立できませんでした。',
    hint: 'ネットワークやファイアウォールが通話の音声(UDP)を止めていないか確認してください。エミュレーターでは、電話がエミュレーターモードで動いていない(オファーに ICE 候補がない)ときにも出ます。',
  },
  11200: {
    message: 'TwiML App の Voice URL(/call)から応答がありませんでした。',
    hint: 'TwiML App の Voice URL と、/call の Function がデプロイされているかを確認してください。',
  },
  12100: {
    message: '/call が返した TwiML を解釈できませんでした。',
    hint: '/call の Function が <Dial><Client> を返しているか確認してください。',
  },
  12300: {
    message: '/call の応答の Content-Type が TwiML(text/xml)ではありません。',
    hint: '/call の Function が VoiceResponse を callback に渡しているか確認してください。',
  },
  21218: {
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
