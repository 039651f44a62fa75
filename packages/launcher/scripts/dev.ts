import { join } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { findStep, finishedPhoneStep, STEPS, type Step } from '@kit/shared';
import { buildStep } from '../src/build/build-step.js';
import { buildReferenceStep } from '../src/build/reference.js';
import { readEnvFile, writeLocalEnvFile } from '../src/env-file.js';
import { isPortFree } from '../src/free-port.js';
import { workspaceDir } from '../src/learner/workspace.js';
import { generateLocalCredentials } from '../src/local-env.js';
import { startStepServer } from '../src/server/index.js';
import { checkStepEnv, needsCredentials, pickStepEnv } from '../src/step-env.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';

// `pnpm dev:step N` (and `pnpm dev`, which serves the finished phone step):
// builds step N and serves it with the real Functions runtime on PORT (default 3000).

// KIT_ENV_FILE lets tests use a scratch file instead of the checkout's .env.
const ENV_PATH = process.env.KIT_ENV_FILE ?? join(FUNCTIONS_PACKAGE_DIR, '../../.env');
const HOST = '127.0.0.1';

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
      `ステップ番号を指定してください(例: pnpm dev:step 3)。\n${list}`,
      `usage: pnpm dev:step <1-${STEPS.length}>`,
    );
  }
  return step;
}

function choosePort(): number {
  const raw = process.env.PORT ?? '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    fail(`PORT は 1〜65535 の数値で指定してください(指定値: ${raw})。`, 'PORT must be 1-65535');
  }
  return port;
}

const args = process.argv.slice(2);
const step = chooseStep(args);
// --workspace serves the learner's folder (pnpm step:start) instead of the reference.
const useWorkspace = args.includes('--workspace');
const port = choosePort();

let fileEnv = await readEnvFile(ENV_PATH);
if (fileEnv === null && needsCredentials(step)) {
  await writeLocalEnvFile(ENV_PATH, generateLocalCredentials());
  console.log(
    'ℹ .env がなかったので、ローカル専用の偽の認証情報で作成しました(Twilio では使えません)。',
  );
  fileEnv = await readEnvFile(ENV_PATH);
}
const env = pickStepEnv(step, { ...fileEnv, ...process.env });
const problems = checkStepEnv(step, env);
if (problems.length > 0) {
  fail(
    problems.map((problem) => problem.message).join('\n  '),
    `${step.tag}: ${problems.map((problem) => problem.code).join(', ')} (.env: ${ENV_PATH})`,
  );
}

if (!(await isPortFree(port, HOST))) {
  fail(
    `ポート ${port} は使用中です。別のポートを指定してください(例: PORT=${port + 1} pnpm dev:step ${step.number})。`,
    `port ${port} is in use`,
  );
}

let stepDir = referenceStepDir(step);
try {
  if (useWorkspace) {
    stepDir = workspaceDir();
    await buildStep({ stepDir, extraAssetDirs: step.servesPhone ? [PHONE_DIST_DIR] : [] });
  } else {
    await buildReferenceStep(step);
  }
} catch (error) {
  fail(
    `${useWorkspace ? '作業フォルダー' : step.tag} をビルドできませんでした: ${error instanceof Error ? error.message : String(error)}`,
    'build failed',
  );
}
const server = await startStepServer({ stepDir, env, port, host: HOST, logs: true });
const base = `http://localhost:${server.port}`;

console.log(`\n▶ ${step.tag} ${step.title}${useWorkspace ? '(作業フォルダー)' : ''}`);
for (const fn of server.routes.functions) {
  const note = fn.access === 'protected' ? '  (Protected: Twilio の署名が必要)' : '';
  console.log(`  ${base}${fn.path}${note}`);
}
const pages = server.routes.assets.filter((asset) => asset.path.endsWith('.html'));
for (const page of pages) console.log(`  ${base}${page.path}`);
console.log('\nCtrl-C で停止します。');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
