/**
 * A hint per concept, matched against the failing test's name, so a learner
 * reads what is missing ("VoiceGrant に incomingAllow がありません") rather than
 * an assertion diff. Order matters: the first match wins.
 */
interface Hint {
  match: RegExp;
  hint: string;
}

const HINTS: readonly Hint[] = [
  {
    match: /TwiML that says Japanese|TwiML as text\/xml/,
    hint: 'new Twilio.twiml.VoiceResponse() で TwiML を作り、say() のあと callback(null, twiml) に渡してください。',
  },
  {
    match: /greets by name|query into event/,
    hint: 'event.name を読み、{ message, domain: context.DOMAIN_NAME, path: context.PATH } を callback に渡してください。',
  },
  {
    match: /Twilio\.Response|status and headers/,
    hint: 'new Twilio.Response() に setStatusCode(201)、appendHeader()、setBody() を使ってください。',
  },
  {
    match: /identity "user"/,
    hint: 'AccessToken の identity を "user" にし、VoiceGrant の outgoingApplicationSid に TWIML_APP_SID、incomingAllow に false を設定してください。',
  },
  { match: /\{ token \}/, hint: '応答は { token: token.toJwt() } の JSON にしてください。' },
  {
    match: /missing variable|not configured|never shows a secret/,
    hint: '環境変数が足りないときは、足りない変数名を 500 の JSON エラーで返してください(スタックトレースや値は返さない)。',
  },
  {
    match: /may call out and be called/,
    hint: 'VoiceGrant に incomingAllow: true と outgoingApplicationSid を設定し、identity にはリクエストの identity を使ってください。',
  },
  {
    match: /TOKEN_TTL_SECONDS/,
    hint: 'トークンの ttl に TOKEN_TTL_SECONDS(既定 3600)を使い、範囲外の値は設定エラー(500 config_invalid)にしてください。',
  },
  {
    match: /emulator/,
    hint: 'EMULATOR_SIGNALING_HOST があるときだけ、応答に emulator: { signalingHost } を入れてください。',
  },
  {
    match: /passcode/i,
    hint: 'WORKSHOP_PASSCODE が設定されているときは、passcode(パラメーターか X-Workshop-Passcode ヘッダー)が一致しない限り 401 を返してください。',
  },
  {
    match: /dials the browser|dial the browser/,
    hint: '/call は <Dial callerId="client:発信者" answerOnBridge="true"><Client>To</Client></Dial> を返してください。',
  },
  {
    match: /toll-fraud|refuses To|never <Number>/,
    hint: 'To が identity のルールに合わない(電話番号や SIP URI)ときは、<Say> で伝えて <Hangup> してください(不正発信対策)。',
  },
  { match: /From=/, hint: 'From が client: で始まる正しい identity でない発信は断ってください。' },
  {
    match: /hostile token requests|hostile requests/,
    hint: 'identity は checkIdentity() で検査し、不正な値には 400 の JSON エラーを返してトークンを出さないでください。',
  },
  {
    match: /hostile signed \/call/,
    hint: '/call は To と From を検査し、<Client> 以外に発信する TwiML を返さないでください。',
  },
  {
    match: /protected|signature/i,
    hint: '/call のファイル名を call.protected.ts にしてください(Protected: Twilio の署名が必要)。',
  },
  {
    match: /CORS|origin/i,
    hint: 'ALLOWED_ORIGINS にあるオリジンにだけ Access-Control-Allow-Origin を返してください(* は使わない)。',
  },
  {
    match: /uncached JSON/,
    hint: '応答に Cache-Control: no-store と JSON の Content-Type を付けてください。',
  },
  {
    match: /requested grants|repeated grants/,
    hint: 'grants に指定された製品ごとに Grant(VoiceGrant、VideoGrant、ChatGrant、SyncGrant)を addGrant() してください。',
  },
  { match: /room/, hint: 'room が指定されたら VideoGrant({ room }) にしてください。' },
  {
    match: /not set up for|grant_/,
    hint: '設定されていない製品の Grant を求められたら、400 grant_unavailable で変数名を伝えてください。',
  },
];

export const FALLBACK_HINT = 'pnpm step:diff で参照実装との違いを確認してください。';

export function hintFor(testName: string): string {
  return HINTS.find((candidate) => candidate.match.test(testName))?.hint ?? FALLBACK_HINT;
}
