import { parseStepArgs } from '../src/args.js';
import { readAccountCredentials } from '../src/credentials.js';
import { loadKitEnv, serviceName } from '../src/kit-env.js';
import { fail, runCli, say } from '../src/output.js';
import { createRestClient, explainRestError } from '../src/rest-client.js';
import { createServerlessClient, findEnvironment, findServiceSid } from '../src/serverless.js';

// `pnpm teardown:step N`: deletes step N's environment (its domain stops answering); the service stays.

await runCli(async () => {
  const { step } = parseStepArgs(process.argv.slice(2), 'teardown:step');
  const { merged } = await loadKitEnv();
  const credentials = readAccountCredentials(merged);
  const name = serviceName(merged);
  const serverless = createServerlessClient(credentials);

  const serviceSid = await findServiceSid(serverless, name).catch((error: unknown) =>
    explainRestError(error, 'サービスの検索'),
  );
  if (!serviceSid) {
    say(`✓ サービス ${name} はありません。削除するものはありません (nothing to remove)。`);
    return;
  }
  const environment = await findEnvironment(serverless, serviceSid, step.tag).catch(
    (error: unknown) => explainRestError(error, '環境の検索'),
  );
  if (!environment) {
    say(`✓ ${name} に ${step.tag} の環境はありません (nothing to remove)。`);
    return;
  }
  const removed = await createRestClient(credentials)
    .serverless.v1.services(serviceSid)
    .environments(environment.sid)
    .remove()
    .catch((error: unknown) => explainRestError(error, `${step.tag} の環境の削除`));
  if (!removed)
    fail(`${step.tag} の環境を削除できませんでした。`, 'environment delete returned false');
  say(
    `✓ ${step.tag} の環境 ${environment.sid} (${environment.domain_name}) を削除しました (removed)。`,
  );
  say(
    '  TwiML App の Voice URL がこの環境を指していた場合は、別のステップをデプロイし直してください。',
  );
});
