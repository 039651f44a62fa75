import { isFakeSid } from '@kit/functions/local-env';
import type { CommandIo } from '@kit/shared/cli';
import { parseTeardownArgs } from '../args.js';
import { isSid, readAccountCredentials } from '../credentials.js';
import { loadKitEnv, serviceName } from '../kit-env.js';
import { fail, runCli, say } from '../output.js';
import { createRestClient, explainRestError, type RestClient } from '../rest-client.js';
import { createServerlessClient, findEnvironment, findServiceSid } from '../serverless.js';

// `pnpm teardown:step N`: deletes step N's environment (its domain stops answering); the service stays.

export function teardownStepMain(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCli(io, async () => {
    const step = parseTeardownArgs(argv);
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
    const rest = createRestClient(credentials);
    const removed = await rest.serverless.v1
      .services(serviceSid)
      .environments(environment.sid)
      .remove()
      .catch((error: unknown) => explainRestError(error, `${step.tag} の環境の削除`));
    if (!removed)
      fail(`${step.tag} の環境を削除できませんでした。`, 'environment delete returned false');
    say(
      `✓ ${step.tag} の環境 ${environment.sid} (${environment.domain_name}) を削除しました (removed)。`,
    );
    await warnIfVoiceUrlPointsAt(rest, merged.TWIML_APP_SID, environment.domain_name);
  });
}

/** A TwiML App still pointing at the removed domain makes every call fail: say so, and what to do. */
async function warnIfVoiceUrlPointsAt(
  rest: RestClient,
  appSid: string | undefined,
  domain: string,
): Promise<void> {
  if (!appSid || !isSid(appSid, 'AP') || isFakeSid(appSid)) return;
  const app = await rest
    .applications(appSid)
    .fetch()
    .catch(() => null);
  if (app?.voiceUrl?.startsWith(`https://${domain}/`)) {
    say(
      `  ! TwiML App ${appSid} の Voice URL はこの環境(${app.voiceUrl})を指したままです。通話するには別の手順を pnpm deploy:step でデプロイしてください (Voice URL now points nowhere)。`,
    );
  }
}
