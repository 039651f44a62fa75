import { execFile } from 'node:child_process';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { referenceStepDir } from '@kit/functions/steps-dir';
import { functionFileName, type Step } from '@kit/shared';
import { Checklist } from './check.js';
import { readImporterSpecifiers, specifierDifferences } from './lockfile.js';
import { REPO_ROOT } from './paths.js';
import { parseVersion, satisfiesRange } from './versions.js';

interface RootManifest {
  packageManager?: string;
  engines?: { node?: string };
}

export interface MachineInfo {
  node: string;
  pnpm: string | null;
}

/** Node, pnpm, installed dependencies, the step's build, a Chromium for tests. */
export async function checkMachine(
  step: Step,
  environment: Readonly<Record<string, string | undefined>>,
): Promise<{ list: Checklist; info: MachineInfo }> {
  const list = new Checklist('machine');
  const manifest = JSON.parse(
    await readFile(join(REPO_ROOT, 'package.json'), 'utf8'),
  ) as RootManifest;

  const nodeRange = manifest.engines?.node ?? '>=20.19';
  const nodeOk = satisfiesRange(process.version, nodeRange);
  if (nodeOk === false) {
    list.fail(
      'machine.node',
      `Node.js ${process.version} は古すぎます(必要: ${nodeRange})。`,
      'Node.js 20.19 以上を入れてください(例: nvm install && nvm use。.nvmrc は Twilio Functions と同じ 22 です)',
    );
  } else {
    list.ok('machine.node', `Node.js ${process.version}(必要: ${nodeRange})`);
  }

  const pnpm = await pnpmVersion(environment);
  const wantedPnpm = manifest.packageManager?.replace(/^pnpm@/, '') ?? '';
  const installPnpm = `npm install --global pnpm@${wantedPnpm}(または corepack enable)`;
  if (pnpm === null) {
    list.fail('machine.pnpm', 'pnpm が見つかりません。', installPnpm);
  } else if (pnpm === wantedPnpm) {
    list.ok('machine.pnpm', `pnpm ${pnpm}(packageManager: pnpm@${wantedPnpm})`);
  } else if (parseVersion(pnpm)?.[0] === parseVersion(wantedPnpm)?.[0]) {
    list.warn(
      'machine.pnpm',
      `pnpm ${pnpm} です。キットは pnpm@${wantedPnpm} で確かめています(同じメジャーなので、たいていは動きます)。`,
      installPnpm,
    );
  } else {
    list.fail(
      'machine.pnpm',
      `pnpm ${pnpm} です。キットには pnpm@${wantedPnpm} が必要です。`,
      installPnpm,
    );
  }

  await checkDependencies(list);
  await checkStepBuild(list, step);

  const chromium = await findChromium(environment);
  if (chromium) {
    list.ok('machine.chromium', `テスト用の Chromium: ${chromium}`);
  } else {
    list.warn(
      'machine.chromium',
      'テスト用の Chromium が見つかりません(ブラウザを使うテストだけが動きません)。',
      'sudo apt-get install chromium-headless-shell(または CHROMIUM_PATH=/path/to/chromium を設定)',
    );
  }
  return { list, info: { node: process.version, pnpm } };
}

/** pnpm announces itself to the scripts it runs; otherwise ask it. */
async function pnpmVersion(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<string | null> {
  const agent = /\bpnpm\/(\d+\.\d+\.\d+)/.exec(environment.npm_config_user_agent ?? '');
  if (agent?.[1]) return agent[1];
  return new Promise((resolve) => {
    execFile('pnpm', ['--version'], { timeout: 10_000 }, (error, stdout) =>
      resolve(error ? null : stdout.trim()),
    );
  });
}

/**
 * Installed = `node_modules/.pnpm/lock.yaml` (pnpm's copy of the lockfile it
 * installed) equals `pnpm-lock.yaml`; matching = every workspace package.json
 * still declares what the lockfile recorded. No network, no install run.
 */
async function checkDependencies(list: Checklist): Promise<void> {
  const install = 'pnpm install';
  const lockfile = await readFile(join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8').catch(() => null);
  if (lockfile === null) {
    list.fail(
      'machine.dependencies',
      'pnpm-lock.yaml がありません。',
      'git checkout pnpm-lock.yaml',
    );
    return;
  }
  const installed = await readFile(join(REPO_ROOT, 'node_modules/.pnpm/lock.yaml'), 'utf8').catch(
    () => null,
  );
  if (installed === null) {
    list.fail('machine.dependencies', '依存パッケージがインストールされていません。', install);
    return;
  }
  const importers = readImporterSpecifiers(lockfile);
  const outdated: string[] = [];
  for (const folder of await workspaceFolders()) {
    const manifest = JSON.parse(
      await readFile(join(REPO_ROOT, folder, 'package.json'), 'utf8'),
    ) as Record<string, Record<string, string> | undefined>;
    const declared = {
      ...manifest.dependencies,
      ...manifest.devDependencies,
      ...manifest.optionalDependencies,
    };
    if (specifierDifferences(declared, importers.get(folder)).length > 0) outdated.push(folder);
  }
  if (outdated.length > 0) {
    list.fail(
      'machine.dependencies',
      `package.json と pnpm-lock.yaml が食い違っています(${outdated.join(', ')})。`,
      install,
    );
  } else if (installed !== lockfile) {
    list.fail(
      'machine.dependencies',
      'インストール済みの依存パッケージが pnpm-lock.yaml と一致しません(git pull のあとなど)。',
      install,
    );
  } else {
    list.ok('machine.dependencies', '依存パッケージは pnpm-lock.yaml のとおりにインストール済み');
  }
}

/** `.` and every folder with a package.json under the workspace globs the kit uses. */
async function workspaceFolders(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const folders = ['.'];
  for (const match of text.matchAll(/^\s*-\s*['"]?([^'"\s]+)['"]?\s*$/gm)) {
    const pattern = match[1] ?? '';
    const parents = pattern.endsWith('/*') ? [pattern.slice(0, -2)] : [];
    if (parents.length === 0) {
      folders.push(pattern);
      continue;
    }
    for (const parent of parents) {
      for (const entry of await readdir(join(REPO_ROOT, parent)).catch(() => [])) {
        folders.push(`${parent}/${entry}`);
      }
    }
  }
  const withManifest: string[] = [];
  for (const folder of folders) {
    if (await exists(join(REPO_ROOT, folder, 'package.json'))) withManifest.push(folder);
  }
  return withManifest;
}

async function checkStepBuild(list: Checklist, step: Step): Promise<void> {
  const stepDir = referenceStepDir(step);
  const missing: string[] = [];
  for (const fn of step.functions) {
    const file = join('dist/functions', functionFileName(fn, 'js'));
    if (!(await exists(join(stepDir, file)))) missing.push(file);
  }
  // The phone's files, at the paths the Console gives them (the step catalog's list).
  for (const asset of step.consoleAssets) {
    const file = join('dist/assets', asset.path);
    if (!(await exists(join(stepDir, file)))) missing.push(file);
  }
  if (missing.length > 0) {
    list.fail(
      'machine.build',
      `${step.tag} のビルド結果がありません(${missing.join(', ')})。`,
      'pnpm build',
    );
  } else {
    list.ok('machine.build', `${step.tag} のビルド結果あり(dist/functions)`);
  }
}

async function findChromium(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<string | null> {
  // The order the tests pick theirs in (@kit/launcher/chromium), then Ubuntu's name.
  const candidates = [
    environment.CHROMIUM_PATH,
    '/usr/bin/chromium-headless-shell',
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  for (const candidate of candidates) {
    if (candidate && (await isFile(candidate))) return candidate;
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}
