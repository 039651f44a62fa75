import type { CommandIo } from '@kit/shared/cli';
import { parseDeployArgs } from '../args.js';
import { readDeploySettings } from '../deploy-settings.js';
import { loadKitEnv } from '../kit-env.js';
import { runCli } from '../output.js';

// `pnpm deploy:step N [--dry-run] [--dir PATH]`: check, build, deploy, point the TwiML App, smoke-test.

export function deployStepMain(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCli(io, async () => {
    const { step, dryRun, stepDir } = parseDeployArgs(argv);
    const { merged } = await loadKitEnv();

    // 1. Settings first: every problem is named before anything is built or sent.
    const settings = readDeploySettings(step, merged, { dryRun });

    // 2-5. Loaded only now (see deploy-flow.ts).
    const { buildAndDeploy } = await import('./deploy-flow.js');
    await buildAndDeploy({ step, dryRun, stepDir, merged, settings });
  });
}
