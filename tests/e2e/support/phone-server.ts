import { generateLocalCredentials } from '@kit/functions/local-env';
import { type StepServer, startStepServer } from '@kit/functions/server';
import { pickStepEnv } from '@kit/functions/step-env';
import { referenceStepDir } from '@kit/functions/steps-dir';
import { findStep } from '@kit/shared';

/** The built phone served by step 04's Functions on the real runtime, with fake credentials. */
export async function startPhoneStep(
  extraEnv: Record<string, string> = {},
  /**
   * A membership file, as the launcher passes it: the kit's room routes for the 教室
   * panel; `roomHostname` as `pnpm dev --room` passes it (the phone may call the room).
   */
  { roomFile, roomHostname }: { roomFile?: string; roomHostname?: string } = {},
): Promise<StepServer> {
  const step = findStep(4);
  if (!step) throw new Error('step 04 is missing from the catalog');
  return startStepServer({
    stepDir: referenceStepDir(step),
    env: { ...pickStepEnv(step, { ...generateLocalCredentials() }), ...extraEnv },
    ...(roomFile !== undefined ? { roomFile } : {}),
    ...(roomHostname !== undefined ? { roomHostname } : {}),
  });
}
