// event にはクエリ文字列、フォーム、JSON ボディの値がまとめて入る
type HelloEvent = { name?: unknown };

// /hello-json: オブジェクトを返すと、ランタイムが JSON にする
exports.handler = function (context: Context, event: HelloEvent, callback: ServerlessCallback) {
  // [1-3] event: ?name=花子 のように渡された値を読む。なければ「ゲスト」
  const name = typeof event.name === 'string' && event.name !== '' ? event.name : 'ゲスト';

  // [1-4] context: デプロイ先のドメインと、この Function のパス
  callback(null, {
    message: `こんにちは、${name}さん`,
    domain: context.DOMAIN_NAME, // ローカルでは 127.0.0.1:3000 のような host:port
    path: context.PATH,
  });
};
