import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@kit/emulator';
import { buildStepFolder } from '@kit/functions/build';
import { readEnvFile, writeLocalEnvFile } from '@kit/functions/env-file';
import { callbackLesson, describeLesson } from '@kit/functions/learner';
import { generateLocalCredentials } from '@kit/functions/local-env';
import { type StepServer, startStepServer } from '@kit/functions/server';
import { checkStepEnv, needsCredentials, pickStepEnv } from '@kit/functions/step-env';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '@kit/functions/steps-dir';
import { readTwimlApp } from '@kit/functions/twiml-app';
import { workspaceDir } from '@kit/functions/workspace';
import type { Step } from '@kit/shared';
import { isPortFree } from '@kit/shared/ports';
import { type Membership, roomFilePath } from '@kit/shared/room-client';
import { watchStepFolder } from './live-reload.js';
import { openRoomLink, type RoomLink, RoomLinkError } from './room-link.js';
import { voiceUrlSetting } from './voice-url.js';

/** A problem the user can fix, said in Japanese first, then in English. */
export class LaunchError extends Error {
  constructor(
    readonly japanese: string,
    readonly english: string,
  ) {
    super(english);
  }
}

export interface LaunchOptions {
  step: Step;
  /** Functions port (PORT, default 3000); the emulator takes the next one unless EMULATOR_PORT says otherwise. */
  port: number;
  emulatorPort: number;
  /** Serve the learner's folder (pnpm step:start) instead of the reference snapshot. */
  useWorkspace: boolean;
  /** The kit's .env (KIT_ENV_FILE in tests). */
  envFile: string;
  /** Variables from the process environment, which win over the file. */
  processEnv: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
  /** Rebuild and serve the folder's code on every save (default: true). */
  watch?: boolean;
  /**
   * 教室モードの通話 (`--room`): the phone registers with the room's emulator instead
   * of a local one, and the room reaches this kit's `/call` through the member link.
   */
  room?: Pick<Membership, 'roomUrl' | 'token'>;
}

export interface Launched {
  server: StepServer;
  /** The local emulator; null for a step without /call, and in room mode. */
  emulator: Emulator | null;
  /** Room mode: the link to the room, whose emulator the phone registers with. */
  roomLink: RoomLink | null;
  createdEnvFile: boolean;
  close(): Promise<void>;
}

/** Loopback only: the emulator has no TLS and no authentication beyond the tokens. */
export const HOST = '127.0.0.1';

export const DEFAULT_ENV_FILE = join(FUNCTIONS_PACKAGE_DIR, '../../.env');

/** Steps whose TwiML App calls `/call` get the local emulator, so the phone can ring another tab. */
export function needsEmulator(step: Step): boolean {
  return step.functions.some((fn) => fn.path === '/call');
}

export async function launch(options: LaunchOptions): Promise<Launched> {
  const { step, port, emulatorPort, log } = options;
  let fileEnv = await readEnvFile(options.envFile);
  let createdEnvFile = false;
  if (fileEnv === null && needsCredentials(step)) {
    createdEnvFile = await writeLocalEnvFile(options.envFile, generateLocalCredentials());
    fileEnv = await readEnvFile(options.envFile);
  }
  const env = pickStepEnv(step, { ...fileEnv, ...options.processEnv });
  const emulated = needsEmulator(step);
  const problems = checkStepEnv(step, env);
  if (problems.length > 0) {
    throw new LaunchError(
      problems.map((problem) => problem.message).join('\n  '),
      `${step.tag}: ${problems.map((problem) => problem.code).join(', ')} (.env: ${options.envFile})`,
    );
  }

  if (options.room && !emulated) {
    throw new LaunchError(
      `--room は /call のある手順で使います。${step.tag} には通話がありません。`,
      `--room needs a step with /call; ${step.tag} has none`,
    );
  }
  const localEmulator = emulated && !options.room;
  for (const [candidate, name] of localEmulator
    ? ([
        [port, 'PORT'],
        [emulatorPort, 'EMULATOR_PORT'],
      ] as const)
    : ([[port, 'PORT']] as const)) {
    if (!(await isPortFree(candidate, HOST))) {
      throw new LaunchError(
        `ポート ${candidate} は使用中です。別のポートを指定してください(例: ${name}=${candidate + 2} pnpm dev:step ${step.number})。`,
        `port ${candidate} (${name}) is in use`,
      );
    }
  }

  // Reference steps are built by `turbo run build` before this runs (dev and
  // dev:step depend on ^build); rebuilding them here would race other readers.
  // The learner's folder is built on every launch.
  const stepDir = options.useWorkspace ? workspaceDir() : referenceStepDir(step);
  try {
    if (options.useWorkspace) {
      await buildStepFolder(step, stepDir, { typeCheck: false });
    } else if (!(await isDirectory(join(stepDir, 'dist/functions')))) {
      throw new Error('ビルド結果がありません。pnpm build を実行してください');
    }
  } catch (error) {
    throw new LaunchError(
      `${options.useWorkspace ? '作業フォルダー' : step.tag} をビルドできませんでした: ${error instanceof Error ? error.message : String(error)}`,
      'build failed',
    );
  }

  const twimlApp = await readTwimlApp(stepDir);
  if (twimlApp && !twimlApp.ok) throw new LaunchError(twimlApp.problem, 'invalid twiml-app.json');

  // Room mode: the room's emulator, on the room's host, is where the phone registers.
  let roomLink: RoomLink | null = null;
  if (options.room) {
    try {
      roomLink = await openRoomLink({ membership: options.room, log });
    } catch (error) {
      if (error instanceof RoomLinkError) throw new LaunchError(error.japanese, error.message);
      throw error;
    }
  }
  const signalingHost = roomLink
    ? roomLink.signalingHost
    : localEmulator
      ? `${HOST}:${emulatorPort}`
      : null;

  // The Functions get only the step's own variables; the kit's server itself
  // tells the phone where the emulator is (GET /kit/emulator.json).
  const lesson = callbackLesson();
  const server = await startStepServer({
    ...(roomLink ? { roomHostname: roomLink.roomHostname } : {}),
    stepDir,
    env,
    port,
    log,
    ...(lesson ? { callbackLesson: describeLesson(lesson) } : {}),
    about: { step: step.tag, workspace: options.useWorkspace },
    // The phone's 「教室」 panel: the membership `pnpm room:join` left (KIT_ROOM_FILE in tests).
    roomFile: roomFilePath(options.processEnv),
    ...(signalingHost ? { emulatorSignalingHost: signalingHost } : {}),
  }).catch(async (error: unknown) => {
    await roomLink?.close();
    throw error;
  });
  const serverBase = `http://${HOST}:${server.port}`;
  // The TwiML App's Voice URL: what the step declares (step 04), else the step's /call.
  const voiceUrl = await voiceUrlSetting(stepDir, server, serverBase);
  if (emulated && voiceUrl.warning) log(`⚠ ${voiceUrl.warning}`);
  if (roomLink && voiceUrl.url) roomLink.setVoiceUrl(voiceUrl.url);
  let emulator: Emulator | null = null;
  if (localEmulator) {
    try {
      emulator = await startEmulator({
        host: HOST,
        port: emulatorPort,
        credentials: {
          ACCOUNT_SID: env.ACCOUNT_SID ?? '',
          AUTH_TOKEN: env.AUTH_TOKEN ?? '',
          API_KEY: env.API_KEY ?? '',
          API_SECRET: env.API_SECRET ?? '',
          TWIML_APP_SID: env.TWIML_APP_SID ?? '',
        },
        // Called and signed the way Twilio calls a TwiML App's Voice URL.
        voiceUrl: voiceUrl.url ?? `${serverBase}/call`,
        log: (line) => log(`[emulator] ${line}`),
      });
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  const reload =
    options.watch === false
      ? null
      : watchStepFolder({
          step,
          stepDir,
          server,
          setVoiceUrl: roomLink
            ? (url) => roomLink.setVoiceUrl(url)
            : emulator
              ? (url) => emulator?.setVoiceUrl(url)
              : null,
          serverBase,
          log,
          voiceUrl,
        });
  await reload?.ready;
  return {
    server,
    emulator,
    roomLink,
    createdEnvFile,
    close: async () => {
      await reload?.close();
      await roomLink?.close();
      await emulator?.close();
      await server.close();
    },
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
