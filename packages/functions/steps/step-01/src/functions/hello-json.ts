// #region imports
import type {
  ServerlessEventObject,
  ServerlessFunctionSignature,
} from '@twilio-labs/serverless-runtime-types/types';

// #endregion imports

// #region handler
// event にはクエリ文字列、フォーム、JSON ボディがまとめて入る
type HelloEvent = ServerlessEventObject<{ name?: string }>;

export const handler: ServerlessFunctionSignature<{}, HelloEvent> = (context, event, callback) => {
  const name = typeof event.name === 'string' && event.name !== '' ? event.name : 'ゲスト';
  // オブジェクトを渡すと、ランタイムが JSON で返す
  callback(null, {
    message: `こんにちは、${name}さん`,
    domain: context.DOMAIN_NAME, // デプロイ先のドメイン(ローカルでは localhost:3000 など)
    path: context.PATH, // この Function のパス
  });
};
// #endregion handler
