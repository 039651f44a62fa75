// event.request.headers でリクエストヘッダーを読める(名前は小文字)
type HeadersEvent = ServerlessEventObject<{}, { 'user-agent'?: string }>;

// /hello-response: ステータスコードやヘッダーを決めたいときは Twilio.Response を使う
exports.handler = function (context: Context, event: HeadersEvent, callback: ServerlessCallback) {
  // [1-5] Twilio.Response: ステータスコードとヘッダーを決める
  const response = new Twilio.Response();
  response.setStatusCode(201);
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('X-Workshop-Step', '01');

  // [1-6] setBody: 本文を入れて callback に渡す
  response.setBody({ created: true, userAgent: event.request.headers['user-agent'] ?? null });
  callback(null, response);
};
