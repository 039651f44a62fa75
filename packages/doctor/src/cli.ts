import { join } from 'node:path';
import { finishedPhoneStep, STEPS, type Step } from '@kit/shared';
import { parseCommandLine, readPort, requireStep, type Usage } from '@kit/shared/cli';
import { runDoctor } from './doctor.js';
import { REPO_ROOT } from './paths.js';
import { formatText, redact } from './report.js';

// `pnpm run doctor [--step N] [--json] [--local]`: one checklist of the setup,
// each ✗ with the command or `.env` line that fixes it; exit 1 when any fails.

const USAGE: Usage = {
  japanese: `使い方: pnpm run doctor [--step N] [--json] [--local]
  --step N    確認する手順(1〜${STEPS.length}、既定: 完成した電話の手順 ${finishedPhoneStep().number})
  --json      結果を JSON で出力(講師が集計する用)
  --local     本物の認証情報でも、ローカル(エミュレーター)で確認する
  -h, --help  この説明を表示する`,
  english: `usage: pnpm run doctor [--step N] [--json] [--local]
  Checks the machine, the .env and either the local stack or the Twilio account for step N
  (default: the finished phone, step ${finishedPhoneStep().number}); --json prints the report as JSON,
  --local checks locally even with real credentials. Exit 1 when any check fails.`,
};

function readCommandLine(): { step: Step; json: boolean; forceLocal: boolean } {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: {
      step: { type: 'string', value: '手順番号' },
      json: { type: 'boolean' },
      local: { type: 'boolean' },
    },
  });
  return {
    step:
      values.step === undefined
        ? finishedPhoneStep()
        : requireStep(values.step, { name: 'run doctor --step', usage: USAGE }),
    json: values.json ?? false,
    forceLocal: values.local ?? false,
  };
}

const { step, json, forceLocal } = readCommandLine();
const port = readPort('PORT', 3000);
const emulatorPort = readPort('EMULATOR_PORT', port + 1);
const { report, secrets } = await runDoctor({
  step,
  envFile: process.env.KIT_ENV_FILE ?? join(REPO_ROOT, '.env'),
  port,
  emulatorPort,
  forceLocal,
  environment: process.env,
});
const output = json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
// Exit explicitly: HTTP agents kept alive by the Twilio library must not hold the command open.
process.stdout.write(redact(output, secrets), () => process.exit(report.ok ? 0 : 1));
