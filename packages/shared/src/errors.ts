/**
 * The HTTP error contract shared by the Functions, the phone and the emulator:
 * a stable English `code` for programs, a Japanese `message` for people.
 */
export type ApiErrorCode =
  | 'identity_required'
  | 'identity_not_single'
  | 'identity_too_long'
  | 'identity_invalid'
  | 'passcode_required'
  | 'passcode_invalid'
  | 'method_not_allowed'
  | 'origin_not_allowed'
  | 'grant_required'
  | 'grant_unknown'
  | 'grant_unavailable'
  | 'room_invalid'
  | 'config_missing'
  | 'config_invalid'
  | 'signature_invalid'
  | 'body_invalid'
  | 'body_too_large'
  | 'function_timeout'
  | 'build_failed'
  /** The kit's room routes (`/kit/room/hand`, `/kit/room/directory`): this workspace has not joined a room. */
  | 'room_not_joined'
  /** The room refused, or could not be reached (502): its Japanese message is passed on. */
  | 'room_unavailable'
  | 'message_invalid'
  | 'unsupported_media_type'
  | 'internal_error';

export interface ApiError {
  code: ApiErrorCode;
  /** Japanese, one sentence, says what to do. */
  message: string;
}

export interface ApiErrorBody {
  error: ApiError;
}

export function errorBody(code: ApiErrorCode, message: string): ApiErrorBody {
  return { error: { code, message } };
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ApiError).code === 'string' &&
    typeof (error as ApiError).message === 'string'
  );
}
