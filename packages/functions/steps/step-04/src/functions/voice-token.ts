// #region imports

import { checkIdentity, type TokenResponse } from '@kit/shared';
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';
import { corsHeaders } from '../lib/cors.js';
import { checkPasscode } from '../lib/passcode.js';
import { fail, json } from '../lib/respond.js';
import { readTokenConfig, type TokenEnv } from '../lib/token-config.js';

// #endregion imports

type VoiceTokenEvent = ServerlessEventObject<
  { identity?: unknown; passcode?: unknown },
  Record<string, unknown>
>;

// #region handler
export const handler: ServerlessFunctionSignature<TokenEnv, VoiceTokenEvent> = (
  context,
  event,
  callback,
) => {
  const settings = readTokenConfig(context);
  if (!settings.ok) return callback(null, fail(500, settings.error));
  const { config } = settings;
  const cors = corsHeaders(event.request.headers.origin, config.allowedOrigins);

  // 1. 合言葉(設定されている場合のみ)
  const passcodeError = checkPasscode(config.passcode, event);
  if (passcodeError) return callback(null, fail(401, passcodeError, cors));

  // 2. identity はリクエストから受け取るので、必ず検査してから使う
  const identity = checkIdentity(event.identity);
  if (!identity.ok) return callback(null, fail(400, identity.error, cors));

  // #region grant
  const { AccessToken } = Twilio.jwt;
  const voiceGrant = new AccessToken.VoiceGrant({
    outgoingApplicationSid: config.twimlAppSid, // 発信時は TwiML App の Voice URL(/call)が呼ばれる
    incomingAllow: true, // この identity 宛ての着信を受けられる
  });
  const token = new AccessToken(config.accountSid, config.apiKey, config.apiSecret, {
    identity: identity.identity,
    ttl: config.ttlSeconds,
  });
  token.addGrant(voiceGrant);
  // #endregion grant

  const body: TokenResponse = {
    token: token.toJwt(),
    identity: identity.identity,
    ttlSeconds: config.ttlSeconds,
  };
  // pnpm dev で動かすときだけ、電話にローカルのエミュレーターの接続先を知らせる
  if (config.emulatorSignalingHost) body.emulator = { signalingHost: config.emulatorSignalingHost };
  return callback(null, json(200, body, cors));
};
// #endregion handler
