import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishedPhoneStep, phonePagePath } from '@kit/shared';
import { freePort } from '@kit/shared/ports';
import { type Launched, launch } from './launch.js';

/**
 * What `pnpm dev` runs: the finished phone step on the real runtime plus the
 * emulator, with a scratch .env; `env` plays the shell's variables (e.g. a short TTL).
 * `url` is the server's root, `pageUrl` the phone's page.
 */
export async function launchOfflinePhone(
  env: Record<string, string> = {},
): Promise<Launched & { url: string; pageUrl: string }> {
  const envDir = await mkdtemp(join(tmpdir(), 'kit-e2e-'));
  const step = finishedPhoneStep();
  const launched = await launch({
    step,
    port: await freePort(),
    emulatorPort: await freePort(),
    useWorkspace: false,
    envFile: join(envDir, '.env'),
    processEnv: env,
    // KIT_E2E_LOG=1 prints the runtime's and the emulator's log lines.
    log: (line) => {
      if (process.env.KIT_E2E_LOG) console.log(line);
    },
  });
  const url = `http://localhost:${launched.server.port}`;
  // The phone's page at its Console path (what `pnpm dev` prints).
  return { ...launched, url, pageUrl: `${url}${phonePagePath(step) ?? '/index.html'}` };
}
