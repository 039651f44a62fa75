import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import {
  compareFunctionFiles,
  type ExtraFunction,
  FUNCTIONS_SOURCE_DIR,
  type FunctionFile,
  listFunctionFiles,
  renameSourceFor,
} from '@kit/functions/function-files';
import { functionNamedBy, readTwimlApp, TWIML_APP_FILE } from '@kit/functions/twiml-app';
import { readManifest } from '@kit/functions/workspace';
import { functionFileName, type Step, type StepFunction } from '@kit/shared';
import { Checklist } from './check.js';
import { REPO_ROOT } from './paths.js';

/**
 * `pnpm run doctor --step N --workspace`: the learner's folder as
 * `pnpm dev:step N --workspace` will serve it, read from its files (no build,
 * no server): its Functions against step N's, and its `twiml-app.json`
 * against the routes those files get.
 */
export interface WorkspaceCheck {
  list: Checklist;
  /** False when there is no folder to run: the local check then has nothing to start. */
  usable: boolean;
}

const VISIBILITY_NAMES = { public: 'Public', protected: 'Protected', private: 'Private' } as const;

export async function checkWorkspace(step: Step, dir: string): Promise<WorkspaceCheck> {
  const list = new Checklist('workspace');
  const shown = shownDir(dir);
  const start = `pnpm step:start ${step.number}`;
  if (!(await isDirectory(dir))) {
    list.fail('workspace.folder', `作業フォルダーがありません(${shown})。`, start);
    return { list, usable: false };
  }
  list.ok('workspace.folder', `作業フォルダー: ${shown}`);

  const manifest = await readManifest(dir);
  if (manifest && manifest.step !== step.number) {
    list.warn(
      'workspace.step',
      `作業フォルダーは手順${manifest.step} のものです(確認しているのは手順${step.number})。`,
      start,
    );
  }

  const files = await listFunctionFiles(dir);
  checkFunctions(step, files, list);
  if (step.configuresTwimlApp) await checkTwimlApp(step, dir, files, list);
  return { list, usable: true };
}

function checkFunctions(step: Step, files: readonly FunctionFile[], list: Checklist): void {
  const report = compareFunctionFiles(step, files);
  const at = (file: string) => `${FUNCTIONS_SOURCE_DIR}/${file}`;
  for (const { fn, file } of report.present) {
    list.ok(
      `workspace.function.${fn.path.slice(1)}`,
      `${at(file.file)}(${fn.path}、${VISIBILITY_NAMES[fn.visibility]})`,
    );
  }
  for (const { fn, file } of report.misnamed) {
    list.fail(
      `workspace.function.${fn.path.slice(1)}`,
      `${at(file.file)} は ${VISIBILITY_NAMES[file.visibility]} です。${fn.path} は ${VISIBILITY_NAMES[fn.visibility]} にする必要があります(公開範囲はファイル名で決まります)。`,
      `${at(file.file)} の名前を ${functionFileName(fn)} に変える`,
    );
  }
  const renamedFiles = new Set<ExtraFunction>();
  for (const fn of report.missing) {
    // The same Function under an old name (step 2's token.ts where step 3 has voice-token.ts).
    const renamed = renameSourceFor(fn, report);
    if (renamed) renamedFiles.add(renamed);
    list.fail(
      `workspace.function.${fn.path.slice(1)}`,
      `${fn.path} の Function がありません(${at(functionFileName(fn))})。`,
      renamed
        ? `${at(renamed.file)} の名前を ${functionFileName(fn)} に変える(手順${step.number} では ${fn.path} です)`
        : `${at(functionFileName(fn))} を作る(pnpm step:diff ${step.number} で完成コードとの差分を見られます)`,
    );
  }
  for (const extra of report.extra) {
    if (renamedFiles.has(extra)) continue;
    list.fail(
      `workspace.extra.${extra.path.slice(1)}`,
      `${at(extra.file)} は手順${step.number} にない Function です${extraOrigin(extra)}。`,
      `${at(extra.file)} を削除する(手順${step.number} の Function は ${step.functions.map((fn) => functionFileName(fn)).join(' と ')})`,
    );
  }
}

/** `(手順1 のもの。手順2 で不要になりました)`, or nothing for a file no step had. */
function extraOrigin(extra: ExtraFunction): string {
  if (!extra.from) return '';
  const removed = extra.removedIn ? `。手順${extra.removedIn.number} で不要になりました` : '';
  return `(手順${extra.from.number} の ${extra.path}${removed})`;
}

async function checkTwimlApp(
  step: Step,
  dir: string,
  files: readonly FunctionFile[],
  list: Checklist,
): Promise<void> {
  const callFn: StepFunction | undefined = step.functions.find((fn) => fn.path === '/call');
  const expected = callFn?.path ?? '/call';
  const content = `{ "voiceUrl": "${expected}", "voiceMethod": "POST" }`;
  const read = await readTwimlApp(dir);
  if (read === null) {
    list.fail(
      'workspace.twiml-app',
      `${TWIML_APP_FILE} がありません(TwiML App の Voice URL を書くファイル)。`,
      `作業フォルダーの直下に ${TWIML_APP_FILE} を作り、${content} と書く`,
    );
    return;
  }
  if (!read.ok) {
    list.fail('workspace.twiml-app', read.problem, `${TWIML_APP_FILE} を ${content} にする`);
    return;
  }
  const { voiceUrl } = read.config;
  const served = files.find((file) => file.path === voiceUrl);
  const fixLine = `${TWIML_APP_FILE} の "voiceUrl": "${voiceUrl}" を "voiceUrl": "${expected}" にする`;
  if (!served) {
    // `/call.protected`: the file's name, visibility and all, where the route is `/call`.
    const byName = functionNamedBy(voiceUrl, files);
    const why = byName
      ? `${byName.file} のパスは ${byName.path} です。.${byName.visibility} はファイル名だけに付き、URL には付きません`
      : `作業フォルダーの Function のパスは ${files.map((file) => file.path).join('、') || '(なし)'} です`;
    list.fail(
      'workspace.twiml-app',
      `${TWIML_APP_FILE} の voiceUrl "${voiceUrl}" に当たる Function がありません(${why})。着信の Webhook が 404 になり、通話がつながりません。`,
      fixLine,
    );
    return;
  }
  if (voiceUrl !== expected) {
    list.fail(
      'workspace.twiml-app',
      `${TWIML_APP_FILE} の voiceUrl "${voiceUrl}" は ${served.file} を指しています。TwiML App の Voice URL は <Dial> の TwiML を返す ${expected} です。`,
      fixLine,
    );
    return;
  }
  list.ok(
    'workspace.twiml-app',
    `${TWIML_APP_FILE}: voiceUrl ${voiceUrl}(${served.file}、${VISIBILITY_NAMES[served.visibility]})`,
  );
}

/** The folder as the learner knows it: from the repository root when it is inside. */
function shownDir(dir: string): string {
  const fromRoot = relative(REPO_ROOT, dir);
  return fromRoot && !fromRoot.startsWith('..') ? fromRoot : dir;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
