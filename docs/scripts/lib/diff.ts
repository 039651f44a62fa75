import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Step } from '@kit/shared';
import { structuredPatch } from 'diff';

/**
 * Files that carry on under another name, so the diff shows what changed in
 * them instead of one removed and one new file. Keys: the step's file; values:
 * the previous step's file (paths relative to `src/`).
 */
const RENAMES: Record<string, Record<string, string>> = {
  'step-03': { 'functions/voice-token.ts': 'functions/token.ts' },
  'step-05': { 'functions/token.ts': 'functions/voice-token.ts' },
};

async function listFiles(dir: string): Promise<string[]> {
  const exists = await stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!exists) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(dir.length + 1)
        .replaceAll('\\', '/'),
    )
    .sort();
}

/** Region markers are there for the docs' snippet imports, not for the reader: leave them out. */
function withoutRegionMarkers(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\/\/ ?#?(end)?region [\w*-]+$/.test(line.trim()))
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n{3,}/g, '\n\n');
}

function fence(lang: string, body: string): string {
  // Four backticks: a source file may itself contain three.
  return `\`\`\`\`${lang}\n${body.replace(/\n$/, '')}\n\`\`\`\`\n`;
}

function details(summary: string, body: string): string {
  return `::: details ${summary}\n${body}:::\n`;
}

/** A unified diff of one file, hunks only (no ---/+++ header: the summary names the files). */
function unified(oldText: string, newText: string): string {
  const patch = structuredPatch('a', 'b', oldText, newText, '', '', { context: 3 });
  return patch.hunks
    .map((hunk) => {
      // No line numbers: they would count the region markers left out above.
      return ['@@', ...hunk.lines.filter((line) => !line.startsWith('\\'))].join('\n');
    })
    .join('\n');
}

/**
 * "What changed since the previous step", from the step folders' `src/`:
 * modified and renamed files as unified diffs, new files in full, removed files by name.
 */
export async function stepDiffMarkdown(
  stepsDir: string,
  previous: Step | undefined,
  step: Step,
): Promise<string> {
  const newDir = join(stepsDir, step.tag, 'src');
  const newFiles = await listFiles(newDir);
  if (!previous) {
    const list = newFiles.map((file) => `- \`src/${file}\``).join('\n');
    return `最初の手順なので、前の手順との差分はありません。この手順のファイルは次のとおりです。\n\n${list}\n`;
  }
  const oldDir = join(stepsDir, previous.tag, 'src');
  const oldFiles = await listFiles(oldDir);
  const renames = RENAMES[step.tag] ?? {};
  const renamedFrom = new Set(Object.values(renames));

  const sections: string[] = [];
  const summary: string[] = [];
  for (const file of newFiles) {
    const newText = withoutRegionMarkers(await readFile(join(newDir, file), 'utf8'));
    const oldName = renames[file] ?? (oldFiles.includes(file) ? file : undefined);
    if (oldName === undefined) {
      summary.push(`- 追加: \`src/${file}\``);
      const added = newText
        .replace(/\n$/, '')
        .split('\n')
        .map((line) => `+${line}`)
        .join('\n');
      sections.push(details(`追加: src/${file}`, fence('diff', added)));
      continue;
    }
    const oldText = withoutRegionMarkers(await readFile(join(oldDir, oldName), 'utf8'));
    if (oldText === newText && oldName === file) continue;
    const label =
      oldName === file ? `変更: src/${file}` : `名前を変えて変更: src/${oldName} → src/${file}`;
    summary.push(`- ${label.replace(/src\/[^\s]+/g, (path) => `\`${path}\``)}`);
    sections.push(details(label, fence('diff', unified(oldText, newText))));
  }
  for (const file of oldFiles) {
    if (newFiles.includes(file) || renamedFrom.has(file)) continue;
    summary.push(`- 削除: \`src/${file}\``);
  }

  const from = `手順${previous.number}(\`${previous.tag}\`)`;
  const phone =
    step.servesPhone && !previous.servesPhone
      ? 'この手順から、ブラウザ電話(手順4のページからダウンロードできる 1 ファイルのページ)がアセットに加わります。\n'
      : '';
  if (summary.length === 0) {
    return `${from}から、Functions のソース(\`src/\`)は変わりません。\n${phone}`;
  }
  return [
    `${from}からの変更です(手順のフォルダーから自動で生成しています)。`,
    ...(phone ? ['', phone.trimEnd()] : []),
    '',
    ...summary,
    '',
    ...sections,
  ].join('\n');
}
