export type { EmulatorCredentials, TokenKeys, VoiceToken } from './access-token.js';
export { verifyVoiceToken } from './access-token.js';
export {
  Account,
  type AccountInit,
  type ApiKey,
  type IdentityRefusal,
  type TwimlApp,
} from './account.js';
export { encodeCustomParams } from './call.js';
export {
  type Emulator,
  type EmulatorStats,
  type RegistrationView,
  startEmulator,
} from './emulator.js';
export { SignalError, type SignalErrorCode, type WireError } from './error-codes.js';
export type { EmulatorOptions } from './options.js';
export type { CallView } from './switchboard.js';
export { SIGNAL_PATH } from './transport.js';
export { parseTwiml, type Verb } from './twiml.js';
export {
  fetchVoiceTwiml,
  readVoiceAnswer,
  signVoiceWebhook,
  type VoiceAnswer,
  type VoiceWebhookRequest,
  type VoiceWebhookResult,
  type VoiceWebhookSender,
} from './webhook.js';
