import { PASSCODE_HEADER } from '@kit/shared';
import type { Headers } from './respond.js';

// #region cors
/**
 * CORS only where asked: the answer names the requesting origin when it is in
 * ALLOWED_ORIGINS, and says nothing otherwise. Never `*`: a token is personal.
 */
export function corsHeaders(origin: unknown, allowedOrigins: readonly string[]): Headers {
  if (typeof origin !== 'string' || !allowedOrigins.includes(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': `Content-Type, ${PASSCODE_HEADER}`,
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}
// #endregion cors
