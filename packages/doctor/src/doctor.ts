import { readFile } from 'node:fs/promises';
import { parseEnv } from '@kit/functions/env-file';
import { ENV_VARS, type Step } from '@kit/shared';
import { roomFilePath } from '@kit/shared/room-client';
import { type Check, Checklist } from './check.js';
import { checkEnvFile, type Mode } from './env-check.js';
import { checkLocal } from './local.js';
import { checkMachine } from './machine.js';
import {
  findRunningKits,
  identifyPort,
  isPortFree,
  type PortHolder,
  runningKitsDir,
} from './ports.js';
import { buildReport, type DoctorReport } from './report.js';
import { checkRoom } from './room.js';
import { checkRoomCalls } from './room-calls.js';
import { checkTwilio } from './twilio-mode.js';
import { checkWorkspace } from './workspace.js';

export interface DoctorOptions {
  step: Step;
  envFile: string;
  port: number;
  emulatorPort: number;
  /** `--local`: check with the emulator even when the credentials look real. */
  forceLocal: boolean;
  /** `--room`: check room calls too (checkRoomCalls). */
  roomCalls?: boolean;
  /**
   * `--workspace`: the learner's folder (this path, `pnpm step:start`'s) is
   * checked and run instead of the finished code.
   */
  workspaceDir?: string;
  /** The process environment (CHROMIUM_PATH, KIT_SERVICE_NAME, npm_config_user_agent…). */
  environment: Readonly<Record<string, string | undefined>>;
}

export interface DoctorRun {
  report: DoctorReport;
  /** Every secret value the checks saw, for the final redaction of the output. */
  secrets: string[];
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorRun> {
  const { step } = options;
  const machine = await checkMachine(step, options.environment);
  const ports = await checkPorts(options);
  const envResult = await checkEnvFile(step, options.envFile);
  const checks: Check[] = [...machine.list.checks, ...ports.checks, ...envResult.list.checks];
  const workspace =
    options.workspaceDir === undefined ? null : await checkWorkspace(step, options.workspaceDir);
  if (workspace) checks.push(...workspace.list.checks);

  const env = envResult.env;
  const fileValues: Record<string, string> = await readFile(options.envFile, 'utf8').then(
    parseEnv,
    () => ({}),
  );
  const secrets = Object.entries(fileValues)
    .filter(([name]) => name in ENV_VARS && ENV_VARS[name as keyof typeof ENV_VARS].secret)
    .map(([, value]) => value);

  let mode: Mode | null = options.forceLocal ? 'local' : envResult.mode;
  if (env === null || (mode === null && !options.forceLocal)) {
    const skipped = new Checklist('local');
    skipped.skip('local.skipped', '.env を直すまで、動作確認(ローカル / Twilio)はしません');
    checks.push(...skipped.checks);
    mode = null;
  } else if (workspace && !workspace.usable) {
    const skipped = new Checklist('local');
    skipped.skip('local.skipped', '作業フォルダーを作るまで、動作確認はしません');
    checks.push(...skipped.checks);
  } else if (mode === 'local') {
    // The kit on PORT, and any the launcher left word of on other ports.
    const kits = await findRunningKits(runningKitsDir(options.envFile), [options.port]);
    const local = await checkLocal({
      step,
      env,
      envFile: options.envFile,
      kits,
      workspace: workspace !== null,
    });
    checks.push(...local.checks);
  } else {
    const serviceName =
      options.environment.KIT_SERVICE_NAME ?? fileValues.KIT_SERVICE_NAME ?? 'browser-phone-kit';
    const twilio = await checkTwilio({ step, env, serviceName });
    checks.push(...twilio.checks);
  }
  // Only when this machine joined the instructor's room (pnpm room:join): no membership, no section.
  checks.push(...(await checkRoom(roomFilePath(options.environment))));
  if (options.roomCalls) {
    checks.push(
      ...(await checkRoomCalls({ roomFile: roomFilePath(options.environment), env: fileValues })),
    );
  }
  return {
    report: buildReport(step, mode, options.envFile, machine.info, checks),
    secrets,
  };
}

/** PORT and EMULATOR_PORT: free, or already serving the kit (`pnpm dev`); anything else is in the way. */
async function checkPorts(
  options: DoctorOptions,
): Promise<{ checks: Check[]; portHolder: PortHolder }> {
  const list = new Checklist('machine');
  const { port, emulatorPort, step } = options;
  const usesEmulator = step.functions.some((fn) => fn.path === '/call');
  const portHolder = await identifyPort(port);
  const emulatorHolder: PortHolder = usesEmulator
    ? await identifyPort(emulatorPort)
    : { kind: 'free' };
  const alternative =
    portHolder.kind === 'other' || emulatorHolder.kind === 'other'
      ? await freePairAfter(Math.max(port, emulatorPort) + 1)
      : port;
  const moveBoth = `PORT=${alternative} EMULATOR_PORT=${alternative + 1} pnpm dev(または、そのポートを使っているプログラムを止める)`;
  if (portHolder.kind === 'free') list.ok('machine.port', `PORT ${port} は空いています`);
  else if (portHolder.kind === 'kit')
    list.ok('machine.port', `PORT ${port} ではキット(pnpm dev)が動いています`);
  else {
    list.fail(
      'machine.port',
      `PORT ${port} は別のプログラムが使っています(pnpm dev が起動できません)。`,
      moveBoth,
    );
  }
  if (usesEmulator) {
    if (emulatorHolder.kind === 'free') {
      list.ok('machine.emulator-port', `EMULATOR_PORT ${emulatorPort} は空いています`);
    } else if (emulatorHolder.kind === 'emulator') {
      list.ok(
        'machine.emulator-port',
        `EMULATOR_PORT ${emulatorPort} ではキットのエミュレーターが動いています`,
      );
    } else {
      list.fail(
        'machine.emulator-port',
        `EMULATOR_PORT ${emulatorPort} は別のプログラムが使っています(pnpm dev のエミュレーターが起動できません)。`,
        moveBoth,
      );
    }
  }
  return { checks: list.checks, portHolder };
}

/** The first PORT from `start` on whose next port is free too: a suggestion that works now. */
async function freePairAfter(start: number): Promise<number> {
  for (let candidate = start; candidate < Math.min(start + 100, 65_535); candidate++) {
    if ((await isPortFree(candidate)) && (await isPortFree(candidate + 1))) return candidate;
  }
  return start;
}
