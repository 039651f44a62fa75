/**
 * Where each code the phone explains (KNOWN_ERRORS) is defined, so that a test can
 * hold the table against it; kept apart so the page does not carry it.
 * - `sdk`: the class in `@twilio/voice-sdk`'s `errorsByCode`
 *   (lib/twilio/errors/generated.ts), written `Namespace.ClassName`.
 * - `catalogue`: a code of Twilio's error catalogue that the SDK has no class for;
 *   it reaches the phone as the `originalError` of a 31005 (see meaningfulCode).
 */
export type ErrorSource = { sdk: string } | { catalogue: string };

export const ERROR_SOURCES: Readonly<Record<number, ErrorSource>> = {
  20101: { sdk: 'AuthorizationErrors.AccessTokenInvalid' },
  20104: { sdk: 'AuthorizationErrors.AccessTokenExpired' },
  20151: { sdk: 'AuthorizationErrors.AuthenticationFailed' },
  31000: { sdk: 'GeneralErrors.UnknownError' },
  31005: { sdk: 'GeneralErrors.ConnectionError' },
  31009: { sdk: 'GeneralErrors.TransportError' },
  31201: { sdk: 'AuthorizationErrors.AuthorizationError' },
  31204: { sdk: 'AuthorizationErrors.InvalidJWTTokenError' },
  31205: { sdk: 'AuthorizationErrors.JWTTokenExpiredError' },
  31207: { sdk: 'AuthorizationErrors.JWTTokenExpirationTooLongError' },
  31209: { sdk: 'AuthorizationErrors.ReconnectAttemptError' },
  31401: { sdk: 'UserMediaErrors.PermissionDeniedError' },
  31402: { sdk: 'UserMediaErrors.AcquisitionFailedError' },
  31480: { sdk: 'ClientErrors.TemporarilyUnavailable' },
  31486: { sdk: 'ClientErrors.BusyHere' },
  31603: { sdk: 'SIPServerErrors.Decline' },
  53405: { sdk: 'MediaErrors.ConnectionError' },
  11200: { catalogue: 'HTTP retrieval failure' },
  12100: { catalogue: 'Document parse failure' },
  12300: { catalogue: 'Invalid Content-Type' },
  21218: { catalogue: 'Invalid ApplicationSid' },
};
