import { cloneUrlOf } from '../../.vitepress/site-env.js';

/**
 * The clone command of はじめに, with the repository's URL as the build knows it.
 * With no URL (a copy of the files, no `origin`, no GitHub environment), the page
 * says where to look instead of printing a placeholder to type over.
 */
export function cloneMarkdown(webUrl: string | null): string {
  if (!webUrl) {
    return [
      'このサイトのビルドには、リポジトリの URL が渡されていません。',
      'このサイトを公開している人(ハンズオンでは講師)に URL を確かめ、`git clone` してください。',
      '',
    ].join('\n');
  }
  const folder = webUrl.split('/').at(-1) ?? '';
  return [
    `リポジトリは <${webUrl}> です。`,
    '',
    '```sh',
    `git clone ${cloneUrlOf(webUrl)}`,
    `cd ${folder}`,
    'pnpm install',
    '```',
    '',
  ].join('\n');
}
