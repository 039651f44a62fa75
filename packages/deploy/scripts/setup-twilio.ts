import { isFakeSid } from '@kit/functions/local-env';
import { parseSetupArgs } from '../src/args.js';
import { readAccountCredentials } from '../src/credentials.js';
import { updateEnvFile } from '../src/env-file-update.js';
import { ENV_PATH, loadKitEnv, serviceName } from '../src/kit-env.js';
import { fail, registerSecret, runCli, say } from '../src/output.js';
import { createRestClient, explainRestError } from '../src/rest-client.js';
import { setupTwilio } from '../src/setup.js';

// `pnpm setup:twilio`: creates (or reuses) the API key and TwiML App and writes them into .env.

await runCli(async () => {
  parseSetupArgs(process.argv.slice(2));
  const { merged } = await loadKitEnv();
  const credentials = readAccountCredentials(merged);
  if (isFakeSid(credentials.accountSid)) {
    fail(
      `.env の ACCOUNT_SID は pnpm dev が作ったローカル専用の偽の値です。Console の Account SID と Auth Token に書き換えてから実行してください(${ENV_PATH})。`,
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
  await updateEnvFile(ENV_PATH, result.envUpdates);

  for (const action of result.actions) {
    const verb = action.outcome === 'created' ? '作成しました (created)' : '再利用します (reused)';
    say(`  ${action.resource} ${action.sid}: ${verb}`);
    if (action.note) say(`    ${action.note}`);
  }
  const written = Object.keys(result.envUpdates);
  say(
    written.length > 0
      ? `✓ .env に ${written.join(', ')} を書き込みました(ほかの行はそのままです): ${ENV_PATH}`
      : `✓ .env は変更ありません(nothing to write): ${ENV_PATH}`,
  );
  say('  次は pnpm deploy:step 4 でデプロイします(next: deploy a step)。');
});
