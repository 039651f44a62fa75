import { finishedPhoneStep, phonePagePath, STEPS, type Step } from '@kit/shared';
import {
  type CommandIo,
  fail,
  parseCommandLine,
  readPort,
  requireStep,
  runCommandInProcess,
  type Usage,
  usageError,
} from '@kit/shared/cli';
import { advertiseKit, runningKitsDir } from '@kit/shared/kits';
import { type Membership, readMembership, roomFilePath } from '@kit/shared/room-client';

// `pnpm dev` (the finished phone, offline) and `pnpm dev:step N [--workspace]`:
// step N's Functions on the real runtime at PORT (default 3000) and, for steps
// with /call, the local Twilio Voice emulator at EMULATOR_PORT (default PORT+1).
// The bin (scripts/dev.ts) calls startDev with the process's arguments, streams
// and environment and stops the kit on a signal; the tests call it in-process.

const finished = finishedPhoneStep().number;
const USAGE: Usage = {
  japanese: `使い方: pnpm dev:step <手順番号 1〜${STEPS.length}> [--workspace] [--room]
       pnpm dev [--workspace] [--room]
  pnpm dev:step N  手順 N の完成コードを本物の Functions ランタイムで起動する(/call がある手順ではエミュレーターも)
  pnpm dev         完成した電話(手順${finished})を起動する
  --workspace      完成コードの代わりに、作業フォルダー(pnpm step:start N で作ったもの)を起動する
  --room           教室モードの通話: 電話を教室(pnpm room:join で参加したもの)に登録し、
                   隣の人と通話する。あなたの /call は、この PC で動いたまま教室から呼ばれる
  -h, --help       この説明を表示する
  ポートは PORT(既定: 3000)と EMULATOR_PORT(既定: PORT+1)で変えられます。`,
  english: `usage: pnpm dev:step <1-${STEPS.length}> [--workspace] [--room] | pnpm dev [--workspace] [--room]
  Serves step N's Functions on the real runtime, with the local Voice emulator for the steps
  with /call; pnpm dev serves the finished phone (step ${finished}). --workspace serves your own
  folder (pnpm step:start N) instead of the finished code. --room registers the phone with the
  room you joined (pnpm room:join), which calls your /call through one outgoing link.
  PORT defaults to 3000, EMULATOR_PORT to PORT+1.`,
};

function chooseStep(args: readonly string[]): {
  step: Step;
  useWorkspace: boolean;
  inRoom: boolean;
} {
  const { values, positionals } = parseCommandLine({
    usage: USAGE,
    // --finished: what `pnpm dev` adds (root package.json), not typed by anyone.
    options: {
      finished: { type: 'boolean' },
      workspace: { type: 'boolean' },
      room: { type: 'boolean' },
    },
    positionals: 1,
    args,
  });
  const useWorkspace = values.workspace ?? false;
  const inRoom = values.room ?? false;
  const [ref] = positionals;
  if (!values.finished)
    return { step: requireStep(ref, { name: 'dev:step', usage: USAGE }), useWorkspace, inRoom };
  if (ref !== undefined) {
    usageError(
      `pnpm dev は手順番号を取りません。手順 ${ref} を起動するには pnpm dev:step ${ref} を実行してください。`,
      `pnpm dev takes no step number; run pnpm dev:step ${ref}`,
      USAGE,
    );
  }
  return { step: finishedPhoneStep(), useWorkspace, inRoom };
}

/** The membership `pnpm room:join` left, which `--room` needs (its room and token). */
async function requireMembership(env: CommandIo['env']): Promise<Membership> {
  const file = roomFilePath(env);
  const read = await readMembership(file);
  if (read.kind === 'member') return read.membership;
  if (read.kind === 'invalid')
    fail(`${read.message} pnpm room:join で参加し直してください。`, 'invalid membership file');
  return fail(
    '--room を使うには、先に教室に参加してください: pnpm room:join <教室の URL>',
    'not in a room: run pnpm room:join first',
  );
}

/** A kit that started: serving until `stop`. */
export interface RunningDev {
  /** Closes the step server and the emulator, and withdraws the kit's advertisement. */
  stop(): Promise<void>;
  /** Withdraws the advertisement alone (synchronous: for the process's `exit` event). */
  withdraw(): void;
}

/**
 * Starts the kit, or says why it cannot: `{ exitCode }` (2 for the command
 * line, 1 for a problem fixed elsewhere, 0 after --help) when nothing is left
 * running, `{ running }` when it serves.
 */
export async function startDev(
  argv: readonly string[],
  io: CommandIo,
  options: {
    /**
     * Called as soon as the kit serves, before it prints its URLs and "Ctrl-C": the
     * bin sets its signal handlers here, so a signal sent on seeing the output finds them.
     */
    onRunning?: (running: RunningDev) => void;
  } = {},
): Promise<{ exitCode: number } | { running: RunningDev }> {
  let running: RunningDev | undefined;
  const say = (line: string) => io.stdout(`${line}\n`);
  const exitCode = await runCommandInProcess(io, async () => {
    const { step, useWorkspace, inRoom } = chooseStep(argv);
    const membership = inRoom ? await requireMembership(io.env) : null;
    const port = readPort('PORT', 3000, io.env);
    const emulatorPort = readPort('EMULATOR_PORT', port + 1, io.env);
    // Loaded once the command line is read: it brings in the Functions runtime and the
    // emulator, seconds a misspelt option or --help should not wait for.
    const { DEFAULT_ENV_FILE, LaunchError, launch } = await import('./launch.js');
    const envFile = io.env.KIT_ENV_FILE ?? DEFAULT_ENV_FILE;

    let launched: Awaited<ReturnType<typeof launch>>;
    try {
      launched = await launch({
        step,
        port,
        emulatorPort,
        useWorkspace,
        envFile,
        processEnv: io.env,
        log: say,
        ...(membership ? { room: membership } : {}),
      });
    } catch (error) {
      if (error instanceof LaunchError) fail(error.japanese, error.english);
      throw error;
    }

    // Leaves this kit's port beside the .env, so `pnpm call:signed` and the doctor
    // find it on any PORT (@kit/shared/kits); gone again when the kit stops.
    const advertisement = advertiseKit(runningKitsDir(envFile), launched.server.port);
    const kit = launched;
    running = {
      stop: async () => {
        advertisement.withdraw();
        await kit.close();
      },
      withdraw: () => advertisement.withdraw(),
    };
    options.onRunning?.(running);

    const { server, emulator, roomLink } = launched;
    if (launched.createdEnvFile) {
      say(
        'ℹ .env がなかったので、ローカル専用の偽の認証情報で作成しました(Twilio では使えません)。',
      );
    }
    const base = `http://localhost:${server.port}`;
    say(`\n▶ ${step.tag} ${step.title}${useWorkspace ? '(作業フォルダー)' : ''}`);
    for (const fn of server.routes.functions) {
      const note = fn.access === 'protected' ? '  (Protected: Twilio の署名が必要)' : '';
      say(`  ${base}${fn.path}${note}`);
    }
    if (emulator)
      say(`  エミュレーター: ${emulator.url}(Twilio の代わりにローカルで通話をつなぎます)`);
    if (roomLink && membership) {
      say(
        `  教室: ${membership.roomUrl}(電話は ws://${roomLink.signalingHost}/signal に登録し、あなたの /call は教室からこの PC へ届きます)`,
      );
    }
    const phonePage = phonePagePath(step);
    if (phonePage) {
      // The page's Console path: the same URL as on Twilio (which serves `/` only from /assets/index.html).
      say(`\n📞 ブラウザ電話: ${base}${phonePage}`);
      say(
        roomLink && membership
          ? `   電話の名前は ${membership.identity ?? '参加時の identity'} です。教室の誰かの名前を宛先にして発信できます。`
          : '   2 つのタブで開き、それぞれ別の名前で「初期化」すると、お互いに発信できます。',
      );
    } else {
      for (const page of server.routes.assets.filter((asset) => asset.path.endsWith('.html'))) {
        say(`  ${base}${page.path}`);
      }
    }
    say('\nCtrl-C で停止します。');
  });
  return running ? { running } : { exitCode };
}
