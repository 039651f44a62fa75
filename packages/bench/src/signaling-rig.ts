import { type Emulator, type EmulatorOptions, startEmulator } from '@kit/emulator';
import { generateLocalCredentials, type LocalCredentials } from '@kit/functions/local-env';
import { pickStepEnv } from '@kit/functions/step-env';
import { findStep } from '@kit/shared';
import twilio from 'twilio';
import { type ServerProcess, startServerProcess } from './servers/server-process.js';

/**
 * The emulator in this process, with the real step-04 `/call` (on the real
 * runtime, in a child process) as its Voice URL: every call set-up pays the
 * signed webhook and the TwiML parse, as under `pnpm dev`.
 */
export interface SignalingRig {
  credentials: LocalCredentials;
  emulator: Emulator;
  functions: ServerProcess;
  voiceUrl: string;
  token(identity: string, options?: { incoming?: boolean }): string;
  close(): Promise<void>;
}

export async function startSignalingRig(
  options: Partial<Omit<EmulatorOptions, 'credentials'>> = {},
): Promise<SignalingRig> {
  const credentials = generateLocalCredentials();
  const step = findStep(4);
  if (!step) throw new Error('step 04 missing');
  const functions = await startServerProcess({
    kind: 'step',
    step: 4,
    env: pickStepEnv(step, { ...credentials }),
  });
  const voiceUrl = options.voiceUrl ?? `${functions.url}/call`;
  const emulator = await startEmulator({ ...options, credentials, voiceUrl });
  return {
    credentials,
    emulator,
    functions,
    voiceUrl,
    token: (identity, tokenOptions = {}) => voiceToken(credentials, identity, tokenOptions),
    close: async () => {
      await emulator.close();
      await functions.close();
    },
  };
}

/** A Voice token minted with twilio's AccessToken, as the step Functions mint it. */
export function voiceToken(
  credentials: LocalCredentials,
  identity: string,
  options: { incoming?: boolean } = {},
): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(
    credentials.ACCOUNT_SID,
    credentials.API_KEY,
    credentials.API_SECRET,
    { identity, ttl: 3600 },
  );
  token.addGrant(
    new AccessToken.VoiceGrant({
      outgoingApplicationSid: credentials.TWIML_APP_SID,
      incomingAllow: options.incoming ?? true,
    }),
  );
  return token.toJwt();
}
