// #region imports

import { checkIdentity, type TokenResponse } from '@kit/shared';
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';
import { corsHeaders } from '../lib/cors.js';
import { buildGrant, readProducts, readRoom } from '../lib/grants.js';
import { checkPasscode } from '../lib/passcode.js';
import { fail, json } from '../lib/respond.js';
import { readServiceConfig, type ServiceEnv } from '../lib/service-config.js';

// #endregion imports

type TokenEvent = ServerlessEventObject<
  { identity?: unknown; grants?: unknown; room?: unknown; passcode?: unknown },
  Record<string, unknown>
>;

// #region handler
/** One token endpoint for several products: `?identity=alice&grants=voice,video&room=daily`. */
export const handler: ServerlessFunctionSignature<ServiceEnv, TokenEvent> = (
  context,
  event,
  callback,
) => {
  const settings = readServiceConfig(context);
  if (!settings.ok) return callback(null, fail(500, settings.error));
  const { config } = settings;
  const cors = corsHeaders(event.request.headers.origin, config.allowedOrigins);

  const passcodeError = checkPasscode(config.passcode, event);
  if (passcodeError) return callback(null, fail(401, passcodeError, cors));

  const identity = checkIdentity(event.identity);
  if (!identity.ok) return callback(null, fail(400, identity.error, cors));
  const products = readProducts(event.grants);
  if (!products.ok) return callback(null, fail(400, products.error, cors));
  const room = readRoom(event.room);
  if (!room.ok) return callback(null, fail(400, room.error, cors));

  const token = new Twilio.jwt.AccessToken(config.accountSid, config.apiKey, config.apiSecret, {
    identity: identity.identity,
    ttl: config.ttlSeconds,
  });
  // 求められた製品ごとに権限(Grant)を足す。1 つでも出せなければトークンは出さない
  for (const product of products.products) {
    const grant = buildGrant(product, config, room.room);
    if (!grant.ok) return callback(null, fail(400, grant.error, cors));
    token.addGrant(grant.grant);
  }

  const body: TokenResponse = {
    token: token.toJwt(),
    identity: identity.identity,
    ttlSeconds: config.ttlSeconds,
  };
  return callback(null, json(200, body, cors));
};
// #endregion handler
