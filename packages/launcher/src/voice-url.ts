import { basename } from 'node:path';
import type { StepServer } from '@kit/functions/server';
import { readTwimlApp, voiceUrlProblem } from '@kit/functions/twiml-app';

export interface VoiceUrlSetting {
  /** The Voice URL the emulator calls; null when twiml-app.json cannot be read (keep the last one). */
  url: string | null;
  /** Said to the learner: the file's problem, or a Voice URL no Function answers. */
  warning: string | null;
}

/**
 * The TwiML App's Voice URL for the served folder: what `twiml-app.json`
 * declares (step 04 on), else the step's `/call`; with a warning when no
 * Function of the folder answers it (`/call.protected` instead of `/call`),
 * which on Twilio would fail every call with 11200.
 */
export async function voiceUrlSetting(
  stepDir: string,
  server: StepServer,
  serverBase: string,
): Promise<VoiceUrlSetting> {
  const twimlApp = await readTwimlApp(stepDir);
  if (twimlApp && !twimlApp.ok) return { url: null, warning: twimlApp.problem };
  const path = twimlApp?.config.voiceUrl ?? '/call';
  const served = server.routes.functions.map((fn) => ({
    file: basename(fn.filePath ?? fn.path),
    path: fn.path,
  }));
  // Without twiml-app.json (steps 1-3) the Voice URL is the step's /call: name the file to write.
  const problem = twimlApp
    ? voiceUrlProblem(path, served)
    : served.some((fn) => fn.path === path)
      ? null
      : `Voice URL の ${path} に答える Function がありません。src/functions/call.protected.ts を作ってください。`;
  return {
    url: `${serverBase}${path}`,
    warning: problem ? `${problem}このままでは発信がすべて 11200 で終わります。` : null,
  };
}
