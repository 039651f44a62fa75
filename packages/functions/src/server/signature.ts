import { errorBody } from '@kit/shared';
import type { RequestHandler } from 'express';
import twilio from 'twilio';

const SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * Twilio checks `X-Twilio-Signature` on Protected Functions in the cloud; the
 * local runtime does not (serverless-toolkit#31). This layer does what the cloud
 * does, so attendees meet the real behaviour locally: HMAC-SHA1 of the URL as
 * the caller requested it (host included) plus the sorted POST parameters.
 */
export function requireTwilioSignature(
  protectedPathSet: () => ReadonlySet<string>,
  authToken: string | undefined,
  onRefused: (line: string) => void = () => {},
): RequestHandler {
  return (req, res, next) => {
    if (!protectedPathSet().has(req.path) || req.method === 'OPTIONS') {
      next();
      return;
    }
    if (!authToken) {
      res
        .status(500)
        .json(
          errorBody(
            'config_missing',
            'AUTH_TOKEN が設定されていないため、Protected な Function の署名を検証できません。.env に AUTH_TOKEN を設定してください。',
          ),
        );
      return;
    }
    const signature = req.header(SIGNATURE_HEADER);
    const url = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`;
    const params = isFormBody(req.body) ? req.body : {};
    if (!signature || !twilio.validateRequest(authToken, signature, url, params)) {
      onRefused(
        `401 ${req.method} ${req.originalUrl} │ X-Twilio-Signature が${signature ? '一致しません' : 'ありません'}`,
      );
      res
        .status(401)
        .json(
          errorBody(
            'signature_invalid',
            'この Function は Protected です。Twilio の署名(X-Twilio-Signature)が正しいリクエストだけに応答します。',
          ),
        );
      return;
    }
    next();
  };
}

function isFormBody(body: unknown): body is Record<string, string> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
