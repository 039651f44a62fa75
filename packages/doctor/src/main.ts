import { join } from 'node:path';
import { workspaceDir } from '@kit/functions/workspace';
import { finishedPhoneStep, STEPS, type Step } from '@kit/shared';
import {
  type CommandIo,
  parseCommandLine,
  readPort,
  requireStep,
  runCommandInProcess,
  type Usage,
} from '@kit/shared/cli';
import { runDoctor } from './doctor.js';
import { REPO_ROOT } from './paths.js';
import { formatText, redact } from './report.js';

// `pnpm run doctor [--step N] [--workspace] [--json] [--local]`: one checklist of the setup,
// each ✗ with the command or `.env` line that fixes it; exit 1 when any fails.
// The bin (cli.ts) calls doctorMain with the process's arguments, streams and environment;
// the tests call it in-process with their own.

const USAGE: Usage = {
  japanese: `使い方: pnpm run doctor [--step N] [--workspace] [--json] [--local] [--room]
  --step N    確認する手順(1〜${STEPS.length}、既定: 完成した電話の手順 ${finishedPhoneStep().number})
  --workspace 完成コードの代わりに作業フォルダー(pnpm step:start N)を確認する: Function のファイル、
              twiml-app.json の voiceUrl、動作(pnpm dev:step N --workspace と同じもの)
  --json      結果を JSON で出力(講師が集計する用)
  --local     本物の認証情報でも、ローカル(エミュレーター)で確認する
  --room      教室モードの通話を確認する: 教室の電話の接続先、.env の API キー、音声(UDP)の通り道
  -h, --help  この説明を表示する`,
  english: `usage: pnpm run doctor [--step N] [--workspace] [--json] [--local] [--room]
  Checks the machine, the .env and either the local stack or the Twilio account for step N
  (default: the finished phone, step ${finishedPhoneStep().number}); --workspace checks your own folder
  (pnpm step:start N: its Functions, twiml-app.json, and running it) instead of the finished code;
  --json prints the report as JSON, --local checks locally even with real credentials,
  --room checks room calls (the room's phones port, this .env's key, UDP for the audio).
  Exit 1 when any check fails.`,
};

function readCommandLine(args: readonly string[]): {
  step: Step;
  json: boolean;
  forceLocal: boolean;
  workspace: boolean;
  roomCalls: boolean;
} {
  const { values } = parseCommandLine({
    usage: USAGE,
    options: {
      step: { type: 'string', value: '手順番号' },
      json: { type: 'boolean' },
      local: { type: 'boolean' },
      workspace: { type: 'boolean' },
      room: { type: 'boolean' },
    },
    args,
  });
  return {
    step:
      values.step === undefined
        ? finishedPhoneStep()
        : requireStep(values.step, { name: 'run doctor --step', usage: USAGE }),
    json: values.json ?? false,
    forceLocal: values.local ?? false,
    workspace: values.workspace ?? false,
    roomCalls: values.room ?? false,
  };
}

/** The whole command: its exit code is 0 when every check passes, 1 when any fails, 2 on a usage error. */
export function doctorMain(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommandInProcess(io, async () => {
    const { step, json, forceLocal, workspace, roomCalls } = readCommandLine(argv);
    const port = readPort('PORT', 3000, io.env);
    const emulatorPort = readPort('EMULATOR_PORT', port + 1, io.env);
    const { report, secrets } = await runDoctor({
      step,
      envFile: io.env.KIT_ENV_FILE ?? join(REPO_ROOT, '.env'),
      port,
      emulatorPort,
      forceLocal,
      roomCalls,
      // The launcher's own folder (KIT_WORKSPACE_DIR in tests), so both look at the same files.
      ...(workspace && { workspaceDir: io.env.KIT_WORKSPACE_DIR ?? workspaceDir() }),
      environment: io.env,
    });
    const output = json ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
    io.stdout(redact(output, secrets));
    return report.ok ? 0 : 1;
  });
}
