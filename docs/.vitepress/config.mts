import { STEPS, stepDocPath } from '@kit/shared';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { tokenize } from './search.js';
import { docsBase, repositoryUrl } from './site-env.js';
import { slugify } from './slugify.js';

/** `steps/03-call-endpoint.md` → `/steps/03-call-endpoint` (the catalog decides every step page). */
function stepLink(path: string): string {
  return `/${path.replace(/\.md$/, '')}`;
}

const base = docsBase();
/** The repository's web URL, for the nav and "edit this page" (the clone command is generated). */
const repository = repositoryUrl();
const branch = process.env.GITHUB_REF_NAME?.trim() || 'main';

const stepItems: DefaultTheme.SidebarItem[] = STEPS.map((step) => ({
  text: `手順${step.number}: ${step.title}`,
  link: stepLink(stepDocPath(step)),
}));

const sidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'はじめに',
    items: [
      { text: 'はじめに', link: '/guide/getting-started' },
      { text: 'Functions の実行モデル', link: '/guide/runtime' },
    ],
  },
  { text: 'ハンズオンの手順', items: stepItems },
  {
    text: '資料',
    items: [
      { text: 'トラブルシューティング', link: '/guide/troubleshooting' },
      { text: '用語集', link: '/guide/glossary' },
      { text: '講師向けガイド', link: '/guide/instructor' },
      { text: '教室モード', link: '/guide/room' },
    ],
  },
];

export default defineConfig({
  base,
  lang: 'ja-JP',
  title: 'Twilio ブラウザ電話ハンズオン',
  description: 'Twilio Functions と Voice JavaScript SDK でブラウザ電話を作るワークショップ',
  lastUpdated: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: `${base}favicon.svg` }]],
  // The pages import code from the step folders; generated parts live in .generated/.
  srcExclude: ['README.md', 'FACTS.md', 'parts/**'],
  markdown: {
    // High-contrast code colours: every token of both themes reaches 4.5:1 on the code
    // block (the default github-light/dark do not: #e36209 on #f6f6f7 is 3.23:1). One
    // comment grey is adjusted for highlighted lines in theme/contrast.css.
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
    codeCopyButtonTitle: 'コードをコピー',
    // Heading ids in NFC, so that links to Japanese headings with voiced kana work (see slugify.ts).
    anchor: { slugify },
    headers: { slugify },
  },
  themeConfig: {
    nav: [
      { text: 'はじめに', link: '/guide/getting-started' },
      { text: '手順', link: stepItems[0]?.link ?? '/' },
      { text: 'トラブルシューティング', link: '/guide/troubleshooting' },
      ...(repository ? [{ text: 'リポジトリ', link: repository }] : []),
    ],
    ...(repository
      ? {
          editLink: {
            pattern: `${repository}/edit/${branch}/docs/:path`,
            text: 'このページの修正を提案する',
          },
        }
      : {}),
    sidebar,
    outline: { level: [2, 3], label: 'このページの内容' },
    docFooter: { prev: '前のページ', next: '次のページ' },
    lastUpdated: {
      text: '最終更新',
      formatOptions: { dateStyle: 'medium', timeStyle: 'short', forceLocale: true },
    },
    darkModeSwitchLabel: '外観',
    lightModeSwitchTitle: 'ライトモードに切り替え',
    darkModeSwitchTitle: 'ダークモードに切り替え',
    sidebarMenuLabel: 'メニュー',
    returnToTopLabel: 'ページの先頭へ戻る',
    langMenuLabel: '言語を切り替え',
    skipToContentLabel: '本文へ移動',
    externalLinkIcon: true,
    notFound: {
      code: '404',
      title: 'ページが見つかりません',
      quote: 'URL が正しいか確かめるか、左のメニューか検索から目的のページを探してください。',
      // The link's name contains its visible text (WCAG 2.5.3, label in name).
      linkLabel: 'ホームへ戻る',
      linkText: 'ホームへ戻る',
    },
    footer: {
      message: 'コードはすべて packages/functions/steps の各ステップから取り込んでいます。',
    },
    search: {
      provider: 'local',
      options: {
        translations: {
          button: { buttonText: '検索', buttonAriaLabel: 'ドキュメントを検索' },
          modal: {
            displayDetails: '詳細を表示',
            resetButtonTitle: '検索語を消去',
            backButtonTitle: '検索を閉じる',
            noResultsText: '見つかりませんでした',
            footer: {
              selectText: '選択',
              selectKeyAriaLabel: 'Enter キー',
              navigateText: '移動',
              navigateUpKeyAriaLabel: '上矢印キー',
              navigateDownKeyAriaLabel: '下矢印キー',
              closeText: '閉じる',
              closeKeyAriaLabel: 'Esc キー',
            },
          },
        },
        miniSearch: {
          // Japanese: bigrams for CJK runs (see search.ts); AND so that every bigram must match.
          options: { tokenize },
          searchOptions: {
            combineWith: 'AND',
            fuzzy: false,
            prefix: true,
            boost: { title: 4, text: 2, titles: 1 },
          },
        },
      },
    },
  },
});
