// #region imports
import type { ServerlessFunctionSignature } from '@twilio-labs/serverless-runtime-types/types';

// #endregion imports

// #region env
// Console の Environment Variables(ローカルでは .env)に設定する値
type TokenEnv = {
  ACCOUNT_SID: string;
  API_KEY: string;
  API_SECRET: string;
  TWIML_APP_SID: string;
};

const REQUIRED_ENV = ['ACCOUNT_SID', 'API_KEY', 'API_SECRET', 'TWIML_APP_SID'] as const;
// #endregion env

// #region handler
export const handler: ServerlessFunctionSignature<TokenEnv> = (context, event, callback) => {
  // 設定漏れはスタックトレースではなく、足りない変数の名前で知らせる
  const missing = REQUIRED_ENV.filter((name) => !context[name]);
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

  const { AccessToken } = Twilio.jwt;
  const { VoiceGrant } = AccessToken;

  // 発信に使う TwiML App を指定する。この手順では着信は受けない
  const voiceGrant = new VoiceGrant({
    outgoingApplicationSid: context.TWIML_APP_SID,
    incomingAllow: false,
  });

  const token = new AccessToken(context.ACCOUNT_SID, context.API_KEY, context.API_SECRET, {
    identity: 'user',
  });
  token.addGrant(voiceGrant);

  callback(null, { token: token.toJwt() });
};
// #endregion handler
