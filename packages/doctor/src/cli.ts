import { join } from 'node:path';
import { findStep, finishedPhoneStep, STEPS, type Step } from '@kit/shared';
import { runDoctor } from './doctor.js';
import { REPO_ROOT } from './paths.js';
import { formatText, redact } from './report.js';

// `pnpm run doctor [--step N] [--json] [--local]`: one checklist of the setup,
// each ✗ with the command or `.env` line that fixes it; exit 1 when any fails.

const USAGE = `使い方: pnpm run doctor [--step N] [--json] [--local]
  --step N   確認する手順(1〜${STEPS.length}、既定: 完成した電話の手順 ${finishedPhoneStep().number})
  --json     結果を JSON で出力(講師が集計する用)
  --local    本物の認証情報でも、ローカル(エミュレーター)で確認する`;

function usageError(message: string): never {
  console.error(`✗ ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(args: readonly string[]): { step: Step; json: boolean; forceLocal: boolean } {
  let step = finishedPhoneStep();
  let json = false;
  let forceLocal = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--local') forceLocal = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--step' || arg.startsWith('--step=')) {
      const ref = arg === '--step' ? args[++index] : arg.slice('--step='.length);
      const found = ref === undefined ? undefined : findStep(ref);
      if (!found) usageError(`--step には 1〜${STEPS.length} の手順番号を指定してください。`);
      step = found;
    } else if (arg !== '--') {
      usageError(`不明な引数です: ${arg}`);
    }
  }
  return { step, json, forceLocal };
}

function readPort(name: string, fallback: number): number {
  const raw = process.env[name] ?? String(fallback);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    usageError(`${name} は 1〜65535 の数値で指定してください(指定値: ${raw})。`);
  }
  return port;
}

const { step, json, forceLocal } = parseArgs(process.argv.slice(2));
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
