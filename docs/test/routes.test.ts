import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR, GENERATED_DIR } from '../scripts/lib/paths.js';
import { CLONE_BADGE, cloneOnlyOutsideMarks, routesMarkdown } from '../scripts/lib/routes.js';

const INCLUDE = /<!--\s*@include:\s*(.*?)\s*-->/;
const pages = ['guide', 'steps'].flatMap((folder) =>
  readdirSync(join(DOCS_DIR, folder))
    .filter((file) => file.endsWith('.md'))
    .map((file) => join(DOCS_DIR, folder, file)),
);

/**
 * A page as the reader gets it: includes inlined (the generator's tables and
 * stages are part of the page), read from the generator's functions rather
 * than .generated so the test needs no build.
 */
async function inlined(page: string): Promise<string> {
  const { generatedFiles } = await import('../scripts/lib/generated.js');
  const files = new Map(generatedFiles().map((file) => [join(GENERATED_DIR, file.path), file]));
  const lines: string[] = [];
  for (const line of readFileSync(page, 'utf8').split('\n')) {
    const include = INCLUDE.exec(line);
    const target = include ? resolve(dirname(page), include[1] ?? '') : null;
    const file = target ? files.get(target) : undefined;
    // step-check-03 runs a real step:check (slow): it is a clone's output, shown in a clone section.
    if (file && !file.path.startsWith('step-check')) lines.push(String(await file.content()));
    else lines.push(line);
  }
  return lines.join('\n');
}

describe('two routes on every page', () => {
  it('finds the pages', () => {
    expect(pages.length).toBeGreaterThanOrEqual(10);
  });

  it.each(pages.map((page) => [relative(DOCS_DIR, page), page] as const))(
    '%s: says how to read the two routes, and marks everything that needs a clone',
    async (_name, page) => {
      const text = readFileSync(page, 'utf8');
      expect(text).toMatch(/^# .*\n\n<!--@include: \.\.\/\.generated\/routes\.md-->\n/);
      const problems = cloneOnlyOutsideMarks(await inlined(page)).map(
        (problem) => `${problem.line}: ${problem.text}`,
      );
      expect(problems).toEqual([]);
    },
    30_000,
  );

  it('says what the site alone gives and what the clone adds, on the home page and はじめに', () => {
    for (const page of ['index.md', 'guide/getting-started.md']) {
      const text = readFileSync(join(DOCS_DIR, page), 'utf8');
      expect(text, page).toContain('このサイトだけで');
      expect(text, page).toContain('clone すると');
    }
  });
});

describe('clone marks', () => {
  it('accept a command in a marked section, a clone block or a line that says clone', () => {
    const page = [
      '## Console で進める',
      'Console を開く。',
      `## 手元で進める ${CLONE_BADGE}`,
      '```sh',
      'pnpm dev',
      '```',
      '### 作業フォルダー',
      'pnpm step:start 3',
      '## 確かめる',
      '::: details リポジトリを clone した場合',
      '`.env` を書く。',
      ':::',
      '| ファイル | TypeScript(clone した作業フォルダー) |',
    ].join('\n');
    expect(cloneOnlyOutsideMarks(page)).toEqual([]);
  });

  it('find a command, a repository path or .env outside the marks', () => {
    const page = [
      `## 手元で進める ${CLONE_BADGE}`,
      'pnpm dev',
      '## Console で進める',
      '```sh',
      'pnpm build',
      '```',
      '`packages/browser-phone/dist/index.html` をアップロードする。',
      '::: tip 注意',
      '`.env` を書く。',
      ':::',
      'ファイル名は `index.html` にする。',
    ].join('\n');
    expect(cloneOnlyOutsideMarks(page).map((problem) => problem.line)).toEqual([5, 7, 9]);
  });

  it('write the routes box with the badge it explains', () => {
    expect(routesMarkdown()).toContain(CLONE_BADGE);
    expect(routesMarkdown()).toMatch(/^::: tip .*\n[\s\S]*\n:::\n$/);
  });
});
