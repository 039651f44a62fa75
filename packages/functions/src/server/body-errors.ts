import { errorBody } from '@kit/shared';
import type { ErrorRequestHandler } from 'express';

/**
 * The runtime parses JSON and form bodies but has no error handler: a malformed
 * body would reach Express's default one, which answers with a stack trace
 * (server paths included). Answer with the kit's JSON error instead.
 */
export const answerBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const type =
    typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  if (type === 'entity.too.large') {
    res.status(413).json(errorBody('body_too_large', 'リクエストの本文が大きすぎます。'));
    return;
  }
  if (typeof type === 'string' && type.startsWith('entity.')) {
    res
      .status(400)
      .json(
        errorBody(
          'body_invalid',
          'リクエストの本文を読めません(JSON やフォームの形式を確認してください)。',
        ),
      );
    return;
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    res
      .status(415)
      .json(
        errorBody(
          'body_invalid',
          'リクエストの文字コードに対応していません(UTF-8 で送ってください)。',
        ),
      );
    return;
  }
  console.error('[step-server] unexpected error:', error instanceof Error ? error.message : error);
  res
    .status(500)
    .json(
      errorBody('internal_error', 'サーバー内部でエラーが発生しました。ログを確認してください。'),
    );
};
