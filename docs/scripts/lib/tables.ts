import { type ConsoleAsset, ENV_VARS, functionFileName, type Step } from '@kit/shared';

const VISIBILITY: Record<string, string> = {
  public: 'Public(誰でも呼べる)',
  protected: 'Protected(Twilio の署名が必要)',
  private: 'Private(ほかの Function からのみ)',
};

/**
 * Read only by the kit's local server, never by the deployed code: locally it checks
 * `X-Twilio-Signature` on Protected Functions with AUTH_TOKEN; in the cloud Twilio
 * checks the signature itself, and `pnpm deploy:step` does not upload it
 * (NOT_UPLOADED in packages/deploy/src/plan.ts). A Console learner must not paste it.
 */
export const LOCAL_ONLY_ENV: ReadonlySet<string> = new Set(['AUTH_TOKEN']);

/**
 * The step's environment variables, described once in @kit/shared's ENV_VARS,
 * with what each route needs: locally (`pnpm dev`) and in the Console.
 */
export function envTableMarkdown(step: Step): string {
  if (step.env.length === 0) {
    return 'この手順では環境変数を使いません。\n';
  }
  const rows = step.env.map((variable) => {
    const spec = ENV_VARS[variable.name];
    const local = variable.required ? '必須' : '任意';
    const cloud = LOCAL_ONLY_ENV.has(variable.name) ? '設定しない' : local;
    const secret = spec.secret ? '秘密' : '';
    return `| \`${variable.name}\` | ${local} | ${cloud} | ${secret} | ${spec.description} |`;
  });
  const localOnly = step.env.filter((variable) => LOCAL_ONLY_ENV.has(variable.name));
  const notes = localOnly.map(
    (variable) =>
      `\`${variable.name}\` は手元のサーバーだけが使います。Twilio 上では Twilio 自身が署名を検査するので、Console の環境変数に自分では追加しません。「Add my Twilio Credentials」のチェックで入る値は、そのままでかまいません。`,
  );
  return [
    '| 変数 | 手元(clone して pnpm dev) | Console | 秘密 | 内容 |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length > 0 ? [...notes, ''] : []),
  ].join('\n');
}

/** The step's Functions: URL path, visibility and the file that declares it. */
export function functionsTableMarkdown(step: Step): string {
  const rows = step.functions.map(
    (fn) =>
      `| \`${fn.path}\` | ${VISIBILITY[fn.visibility] ?? fn.visibility} | \`src/functions/${functionFileName(fn)}\` |`,
  );
  return ['| パス | 公開範囲 | ソース |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** Where the phone's build puts the files the Console takes (`pnpm build` in a clone). */
export const PHONE_BUILD_DIR = 'packages/browser-phone/dist';

/** Where the docs publish those files for download, per step (docs/public/downloads, copied by the generator). */
export const DOWNLOAD_DIR = 'downloads';

/** What the assets table needs to link a download: the site's base and each file's size. */
export interface Downloads {
  /** The site's base, `/` or `/kit-docs/`. */
  base: string;
  /** Bytes of a file of the phone's build (`index.html`). */
  sizeOf: (file: string) => number;
}

/** `192512` → `188 kB` (kibibytes, as a file manager shows them). */
export function formatSize(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

/**
 * What the attendee uploads in the Console (Functions → Assets → Add+ → Upload File),
 * from the catalog's `consoleAssets`: each file is a download of this site, so the
 * Console route needs no clone. Read defensively: a catalog without the field
 * means nothing to upload.
 */
export function consoleAssetsTableMarkdown(step: Step, downloads: Downloads): string {
  const assets: readonly ConsoleAsset[] =
    (step as Partial<Pick<Step, 'consoleAssets'>>).consoleAssets ?? [];
  if (assets.length === 0) {
    return 'この手順では、Console にアップロードするアセットはありません。\n';
  }
  // Raw HTML: VitePress leaves a link with `download` as written, so the base is added here.
  const rows = assets.map((asset) => {
    const href = `${downloads.base}${DOWNLOAD_DIR}/${step.tag}/${asset.file}`;
    const link = `<a href="${href}" download="${asset.file}">${asset.file} をダウンロード</a>(${formatSize(downloads.sizeOf(asset.file))})`;
    return `| \`${asset.path}\` | ${VISIBILITY[asset.visibility] ?? asset.visibility} | ${link} | ${asset.description.replaceAll('|', '\\|')} |`;
  });
  const built = assets.map((asset) => `\`${PHONE_BUILD_DIR}/${asset.file}\``).join('、');
  return [
    '| パス | 公開範囲 | アップロードするファイル | 内容 |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `::: details リポジトリを clone した場合`,
    '',
    `ダウンロードできるファイルは、clone したリポジトリの \`pnpm build\` が作る ${built} と同じです。`,
    'テストで、バイト単位で同じことを確かめています。',
    '',
    ':::',
    '',
  ].join('\n');
}
