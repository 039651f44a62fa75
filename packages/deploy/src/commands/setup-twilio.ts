import { isFakeSid } from '@kit/functions/local-env';
import type { CommandIo } from '@kit/shared/cli';
import { parseSetupArgs } from '../args.js';
import { readAccountCredentials } from '../credentials.js';
import { updateEnvFile } from '../env-file-update.js';
import { envFilePath, loadKitEnv, serviceName } from '../kit-env.js';
import { fail, registerSecret, runCli, say } from '../output.js';
import { createRestClient, explainRestError } from '../rest-client.js';
import { setupTwilio } from '../setup.js';

// `pnpm setup:twilio`: creates (or reuses) the API key and TwiML App and writes them into .env.

export function setupTwilioMain(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCli(io, async () => {
    parseSetupArgs(argv);
    const { merged } = await loadKitEnv();
    const credentials = readAccountCredentials(merged);
    if (isFakeSid(credentials.accountSid)) {
      fail(
        `.env の ACCOUNT_SID は pnpm dev が作ったローカル専用の偽の値です。Console の Account SID と Auth Token に書き換えてから実行してください(${envFilePath()})。`,
        'ACCOUNT_SID is a local placeholder, not a Twilio account',
      );
    }
    const friendlyName = serviceName(merged);
    say(`▶ Twilio アカウント ${credentials.accountSid} を準備します(setup)`);

    const result = await setupTwilio(createRestClient(credentials), merged, { friendlyName }).catch(
      (error: unknown) => explainRestError(error, 'API キー / TwiML App の準備'),
    );
    // Masked from here on, should any message ever quote it.
    if (result.envUpdates.API_SECRET) registerSecret(result.envUpdates.API_SECRET);
    await updateEnvFile(envFilePath(), result.envUpdates);

    for (const action of result.actions) {
      const verb =
        action.outcome === 'created' ? '作成しました (created)' : '再利用します (reused)';
      say(`  ${action.resource} ${action.sid}: ${verb}`);
      if (action.note) say(`    ${action.note}`);
    }
    const written = Object.keys(result.envUpdates);
    say(
      written.length > 0
        ? `✓ .env に ${written.join(', ')} を書き込みました(ほかの行はそのままです): ${envFilePath()}`
        : `✓ .env は変更ありません(nothing to write): ${envFilePath()}`,
    );
    say('  次は pnpm deploy:step 4 でデプロイします(next: deploy a step)。');
  });
}
