import { findStep, finishedPhoneStep, phonePagePath, STEPS, type Step } from '@kit/shared';
import { DEFAULT_ENV_FILE, LaunchError, launch } from '../src/launch.js';

// `pnpm dev` (the finished phone, offline) and `pnpm dev:step N [--workspace]`:
// step N's Functions on the real runtime at PORT (default 3000) and, for steps
// with /call, the local Twilio Voice emulator at EMULATOR_PORT (default PORT+1).

function fail(japanese: string, english: string): never {
  console.error(`✗ ${japanese}\n  (${english})`);
  process.exit(1);
}

function chooseStep(args: readonly string[]): Step {
  if (args.includes('--finished')) return finishedPhoneStep();
  const ref = args.find((arg) => !arg.startsWith('-'));
  const step = ref === undefined ? undefined : findStep(ref);
  if (!step) {
    const list = STEPS.map((candidate) => `  ${candidate.number}: ${candidate.title}`).join('\n');
    fail(
      `手順の番号を指定してください(例: pnpm dev:step 3)。\n${list}`,
      `usage: pnpm dev:step <1-${STEPS.length}> [--workspace]`,
    );
  }
  return step;
}

function readPort(name: string, fallback: number): number {
  const raw = process.env[name] ?? String(fallback);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    fail(
      `${name} は 1〜65535 の数値で指定してください(指定値: ${raw})。`,
      `${name} must be 1-65535`,
    );
  }
  return port;
}

const args = process.argv.slice(2);
const step = chooseStep(args);
const port = readPort('PORT', 3000);
const emulatorPort = readPort('EMULATOR_PORT', port + 1);
const useWorkspace = args.includes('--workspace');
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
