import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FileChange, fileChangesFor, STEPS, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR } from './paths.js';

/** The page's words for one change, as a Markdown list item. */
function listItem(change: FileChange): string {
  switch (change.kind) {
    case 'create':
      return `- 作る: \`${change.file}\``;
    case 'rename':
      return `- 名前を変える: \`${change.from}\` → \`${change.file}\``;
    case 'delete':
      return `- 削除する: \`${change.file}\``;
    default:
      throw new Error('unknown change');
  }
}

const CHANGE_ITEM = /^- (作る|名前を変える|削除する): `/;

describe('each step page lists the file changes step:start prints (from the catalog)', () => {
  it.each(STEPS.map((step) => [step.tag, step] as const))('%s', (_tag, step) => {
    const page = readFileSync(join(DOCS_DIR, stepDocPath(step)), 'utf8');
    const items = page.split('\n').filter((line) => CHANGE_ITEM.test(line));
    expect(items).toEqual(fileChangesFor(step).map(listItem));
    // In the 作業フォルダー box, before the command that prints the same list.
    const list = page.indexOf(items[0] ?? '\u0000');
    const start = page.indexOf(`pnpm step:start ${step.number}`, list);
    expect(list, 'the list comes before pnpm step:start').toBeGreaterThan(0);
    expect(start).toBeGreaterThan(list);
  });
});
