// #region imports
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';

// #endregion imports

// #region handler
// ステータスコードやヘッダーを決めたいときは Twilio.Response を使う
// event.request.headers でリクエストヘッダーを読める(名前は小文字)
type HeadersEvent = ServerlessEventObject<{}, { 'user-agent'?: string }>;

export const handler: ServerlessFunctionSignature<{}, HeadersEvent> = (
  context,
  event,
  callback,
) => {
  const response = new Twilio.Response();
  response.setStatusCode(201);
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('X-Workshop-Step', '01');
  response.setBody({ created: true, userAgent: event.request.headers['user-agent'] ?? null });
  callback(null, response);
};
// #endregion handler
