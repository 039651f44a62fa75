/**
 * A hint per concept, matched against the failing test's name, so a learner
 * reads what is missing ("Voice グラントに incomingAllow がありません") rather than
 * an assertion diff, and which stage of the page to reread (`3-2`: stage 2 of
 * step 3's page, as marked in the Functions). Order matters: the first match wins.
 */
export interface Hint {
  match: RegExp;
  hint: string;
  /** The stage that teaches it, per step page (a concept may be taught again later). */
  stages?: Readonly<Record<number, string>>;
}

const HINTS: readonly Hint[] = [
  {
    match: /TwiML that says Japanese|TwiML as text\/xml/,
    hint: 'new Twilio.twiml.VoiceResponse() で TwiML を作り、say() のあと callback(null, twiml) に渡してください。',
    stages: { 1: '1-1' },
  },
  {
    match: /greets a guest/,
    hint: 'event.name が文字列でない(ない、空、繰り返して配列になった)ときは、name を「ゲスト」にしてください。',
    stages: { 1: '1-3' },
  },
  {
    match: /greets by name|query into event/,
    hint: 'event.name を読み、{ message(「こんにちは、花子さん」の形), domain: context.DOMAIN_NAME, path: context.PATH } を callback に渡してください。',
    stages: { 1: '1-3' },
  },
  {
    match: /context\.DOMAIN_NAME/,
    hint: '応答の domain に context.DOMAIN_NAME、path に context.PATH を入れてください。',
    stages: { 1: '1-4' },
  },
  {
    match: /event\.request\.headers/,
    hint: "response.setBody({ created: true, userAgent: event.request.headers['user-agent'] }) で本文を入れ、callback(null, response) に渡してください(ヘッダーの名前は小文字)。",
    stages: { 1: '1-6' },
  },
  {
    match: /Twilio\.Response|status and headers/,
    hint: "new Twilio.Response() に setStatusCode(201)、appendHeader('Content-Type', 'application/json')、appendHeader('X-Workshop-Step', '01') を使ってください。",
    stages: { 1: '1-5' },
  },
  {
    match: /identity "user"/,
    hint: 'AccessToken の identity を "user" にしてください(この手順では全員 user)。',
    stages: { 2: '2-1' },
  },
  {
    match: /Voice grant that calls out through the TwiML App/,
    hint: 'Voice グラント(new VoiceGrant())の outgoingApplicationSid に context.TWIML_APP_SID、incomingAllow に false を設定し、token.addGrant() で入れてください。',
    stages: { 2: '2-3' },
  },
  {
    match: /signs it with the API key/,
    hint: 'new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, { identity }) の順に渡してください(iss は API キー、sub はアカウント)。',
    stages: { 2: '2-4' },
  },
  {
    match: /default lifetime of 3600/,
    hint: 'この手順では AccessToken に ttl を渡さず、既定の有効期間 3600 秒のままにしてください。',
    stages: { 2: '2-4' },
  },
  {
    match: /\{ token \}/,
    hint: '応答は { token: token.toJwt() } の JSON にしてください。',
    stages: { 2: '2-5' },
  },
  {
    match: /missing variable|not configured|never shows a secret/,
    hint: '環境変数が足りないときは、足りない変数名を 500 の JSON エラーで返してください(スタックトレースや値は返さない)。',
    stages: { 2: '2-6', 3: '3-3', 4: '3-3' },
  },
  {
    match: /for the requested identity/,
    hint: 'identity にはリクエストの event.identity を使い、new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, { identity }) に渡してください。',
    stages: { 3: '3-1', 4: '3-1' },
  },
  {
    match: /may call out and be called/,
    hint: 'Voice グラントに incomingAllow: true と outgoingApplicationSid を設定し、identity にはリクエストの identity を使ってください。',
    stages: { 3: '3-2', 4: '3-2' },
  },
  {
    match: /TOKEN_TTL_SECONDS/,
    hint: 'トークンの ttl に TOKEN_TTL_SECONDS(既定 3600)を使い、30〜86400 の整数でない値は設定エラー(500 config_invalid)にしてください。',
    stages: { 3: '3-5', 4: '3-5' },
  },
  {
    match: /constant time|timingSafeEqual/,
    hint: '合言葉は === ではなく、両方を sha256 でハッシュしてから crypto の timingSafeEqual で比べてください(比較にかかる時間から合言葉を推測させない)。',
    stages: { 4: '4-1' },
  },
  {
    match: /passcode/i,
    hint: 'WORKSHOP_PASSCODE が設定されているときは、passcode(パラメーターか X-Workshop-Passcode ヘッダー)が一致しない限り 401 を返してください。',
    stages: { 4: '4-1' },
  },
  {
    match: /twiml-app\.json|TwiML App/,
    hint: '作業フォルダーの直下の twiml-app.json に { "voiceUrl": "/call", "voiceMethod": "POST" } と書いてください(Console の TwiML App の設定と同じ内容です。ファイルがなければ作ります)。',
  },
  {
    match: /callerId|answerOnBridge/,
    hint: '/call の twiml.dial() に callerId("client:" と発信者の identity)と answerOnBridge: true を渡してください。<Dial callerId="client:alice" answerOnBridge="true"> になります。',
    stages: { 3: '3-8', 4: '3-8' },
  },
  {
    match: /dials the browser|dial the browser/,
    hint: '/call は twiml.dial() と dial.client(To) で <Dial><Client>To</Client></Dial> を返してください。',
    stages: { 3: '3-6', 4: '3-6' },
  },
  {
    match: /toll-fraud|refuses To|never <Number>/,
    hint: 'To が identity のルールに合わない(電話番号や SIP URI)ときは、<Say> で伝えて <Hangup> してください(不正発信対策)。',
    stages: { 3: '3-7', 4: '3-7' },
  },
  {
    match: /From=/,
    hint: 'From が client: で始まる正しい identity でない発信は断ってください。',
    stages: { 3: '3-7', 4: '3-7' },
  },
  {
    match: /identity_invalid/,
    hint: 'identity が /^[A-Za-z0-9_.-]{1,64}$/ に合う文字列でない(ない、空、繰り返して配列、記号や空白を含む、65 文字以上)ときは、400 の { error: { code: "identity_invalid", message } } を返してください。',
    stages: { 3: '3-4', 4: '3-4' },
  },
  {
    match: /hostile token requests|hostile requests/,
    hint: 'identity は /^[A-Za-z0-9_.-]{1,64}$/ に合う文字列だけを受け付け、ほかは 400 の JSON エラーにしてトークンを出さないでください。',
    stages: { 3: '3-4', 4: '3-4' },
  },
  {
    match: /hostile signed \/call/,
    hint: '/call は To と From を検査し、<Client> 以外に発信する TwiML を返さないでください。',
    stages: { 3: '3-7', 4: '3-7' },
  },
  {
    match: /serves \/voice-token as a public/,
    hint: '/voice-token は Public な Function です。ファイル名を src/functions/voice-token.ts にしてください(.protected を付けない)。',
  },
  {
    match: /protected|signature/i,
    hint: '/call のファイル名を call.protected.ts にしてください(Protected: Twilio の署名が必要)。',
  },
  {
    // Step 5's /token: the runtime answers OPTIONS before the Function runs.
    match: /OPTIONS preflight answered/,
    hint: 'OPTIONS(CORS のプリフライト)にはランタイムが 204 で答えます。src/functions/token.ts があるか確かめてください(Function で OPTIONS を扱う必要はありません)。',
  },
  {
    // Asked of every step with /voice-token; ALLOWED_ORIGINS arrives only in step 4.
    match: /CORS preflight/,
    hint: 'OPTIONS(CORS のプリフライト)にはランタイムが 204 で答えます。/voice-token の Function があるか確かめてください(Function で OPTIONS を扱う必要はありません)。',
  },
  {
    match: /CORS|origin/i,
    hint: 'ALLOWED_ORIGINS(カンマ区切り)にあるオリジンにだけ Access-Control-Allow-Origin と Vary: Origin を返してください(* は使わない。手順3 では CORS のヘッダーを返さない)。',
    stages: { 4: '4-2' },
  },
  {
    match: /token requests as JSON/,
    hint: '/voice-token は Twilio.Response で { token, identity, ttlSeconds } を JSON で返してください(GET でも POST でも)。',
    stages: { 3: '3-3', 4: '3-3' },
  },
  {
    match: /no-store|uncached/,
    hint: 'エラーを含むすべての応答に Cache-Control: no-store を付けてください(Twilio.Response を作った直後に appendHeader)。',
    stages: { 4: '4-3' },
  },
  {
    match: /video-only token with only the account/,
    hint: 'TWIML_APP_SID は voice のグラントを求められたときだけ確かめてください。video だけのトークンに要るのは ACCOUNT_SID、API_KEY、API_SECRET だけです。',
    stages: { 5: '5-2' },
  },
  {
    match: /grant_required|repeated grants|empty entries in grants/,
    hint: 'grants はカンマ区切り(voice,video)と繰り返し(grants=voice&grants=video)の両方を受け取り、前後の空白と空の値を除いてください。1 つも残らなければ 400 grant_required です。',
    stages: { 5: '5-1' },
  },
  {
    match: /requested grants/,
    hint: 'grants に指定されたプロダクトごとに、グラント(new VoiceGrant()、new VideoGrant()、new ChatGrant()、new SyncGrant())を addGrant() してください。',
    stages: { 5: '5-2' },
  },
  {
    match: /room/,
    hint: 'room が指定されたら VideoGrant({ room }) にしてください。',
    stages: { 5: '5-3' },
  },
  {
    match: /not set up for|grant_/,
    hint: '設定されていないプロダクトのグラントを求められたら、400 grant_unavailable で変数名を伝えてください。',
    stages: { 5: '5-2' },
  },
];

export const FALLBACK_HINT: Hint = {
  match: /$^/,
  hint: 'pnpm step:diff で完成コードとの違いを確認してください。',
};

export function hintFor(testName: string): Hint {
  return HINTS.find((candidate) => candidate.match.test(testName)) ?? FALLBACK_HINT;
}
