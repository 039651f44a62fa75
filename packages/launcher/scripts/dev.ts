import { finishedPhoneStep, phonePagePath, STEPS, type Step } from '@kit/shared';
import {
  fail,
  parseCommandLine,
  readPort,
  requireStep,
  type Usage,
  usageError,
} from '@kit/shared/cli';
import { advertiseKit, runningKitsDir } from '@kit/shared/kits';

// `pnpm dev` (the finished phone, offline) and `pnpm dev:step N [--workspace]`:
// step N's Functions on the real runtime at PORT (default 3000) and, for steps
// with /call, the local Twilio Voice emulator at EMULATOR_PORT (default PORT+1).

const finished = finishedPhoneStep().number;
const USAGE: Usage = {
  japanese: `使い方: pnpm dev:step <手順番号 1〜${STEPS.length}> [--workspace]
       pnpm dev [--workspace]
  pnpm dev:step N  手順 N の完成コードを本物の Functions ランタイムで起動する(/call がある手順ではエミュレーターも)
  pnpm dev         完成した電話(手順${finished})を起動する
  --workspace      完成コードの代わりに、作業フォルダー(pnpm step:start N で作ったもの)を起動する
  -h, --help       この説明を表示する
  ポートは PORT(既定: 3000)と EMULATOR_PORT(既定: PORT+1)で変えられます。`,
  english: `usage: pnpm dev:step <1-${STEPS.length}> [--workspace] | pnpm dev [--workspace]
  Serves step N's Functions on the real runtime, with the local Voice emulator for the steps
  with /call; pnpm dev serves the finished phone (step ${finished}). --workspace serves your own
  folder (pnpm step:start N) instead of the finished code. PORT defaults to 3000,
  EMULATOR_PORT to PORT+1.`,
};

function chooseStep(): { step: Step; useWorkspace: boolean } {
  const { values, positionals } = parseCommandLine({
    usage: USAGE,
    // --finished: what `pnpm dev` adds (root package.json), not typed by anyone.
    options: { finished: { type: 'boolean' }, workspace: { type: 'boolean' } },
    positionals: 1,
  });
  const useWorkspace = values.workspace ?? false;
  const [ref] = positionals;
  if (!values.finished)
    return { step: requireStep(ref, { name: 'dev:step', usage: USAGE }), useWorkspace };
  if (ref !== undefined) {
    usageError(
      `pnpm dev は手順番号を取りません。手順 ${ref} を起動するには pnpm dev:step ${ref} を実行してください。`,
      `pnpm dev takes no step number; run pnpm dev:step ${ref}`,
      USAGE,
    );
  }
  return { step: finishedPhoneStep(), useWorkspace };
}

const { step, useWorkspace } = chooseStep();
const port = readPort('PORT', 3000);
const emulatorPort = readPort('EMULATOR_PORT', port + 1);
// Loaded once the command line is read: it brings in the Functions runtime and the
// emulator, seconds a misspelt option or --help should not wait for.
const { DEFAULT_ENV_FILE, LaunchError, launch } = await import('../src/launch.js');
const envFile = process.env.KIT_ENV_FILE ?? DEFAULT_ENV_FILE;

let launched: Awaited<ReturnType<typeof launch>>;
try {
  launched = await launch({
    step,
    port,
    emulatorPort,
    useWorkspace,
    envFile,
    processEnv: process.env,
    log: (line) => console.log(line),
  });
} catch (error) {
  if (error instanceof LaunchError) fail(error.japanese, error.english);
  throw error;
}

// Leaves this kit's port beside the .env, so `pnpm call:signed` and the doctor
// find it on any PORT (@kit/shared/kits); gone again when the kit stops.
const advertisement = advertiseKit(runningKitsDir(envFile), launched.server.port);
process.on('exit', () => advertisement.withdraw());

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    launched.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

const { server, emulator } = launched;
if (launched.createdEnvFile) {
  console.log(
    'ℹ .env がなかったので、ローカル専用の偽の認証情報で作成しました(Twilio では使えません)。',
  );
}
const base = `http://localhost:${server.port}`;
console.log(`\n▶ ${step.tag} ${step.title}${useWorkspace ? '(作業フォルダー)' : ''}`);
for (const fn of server.routes.functions) {
  const note = fn.access === 'protected' ? '  (Protected: Twilio の署名が必要)' : '';
  console.log(`  ${base}${fn.path}${note}`);
}
if (emulator)
  console.log(`  エミュレーター: ${emulator.url}(Twilio の代わりにローカルで通話をつなぎます)`);
const phonePage = phonePagePath(step);
if (phonePage) {
  // The page's Console path: the same URL as on Twilio (which serves `/` only from /assets/index.html).
  console.log(`\n📞 ブラウザ電話: ${base}${phonePage}`);
  console.log('   2 つのタブで開き、それぞれ別の名前で「初期化」すると、お互いに発信できます。');
} else {
  for (const page of server.routes.assets.filter((asset) => asset.path.endsWith('.html'))) {
    console.log(`  ${base}${page.path}`);
  }
}
console.log('\nCtrl-C で停止します。');
