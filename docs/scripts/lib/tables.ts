import { type ConsoleAsset, ENV_VARS, functionFileName, type Step } from '@kit/shared';

const VISIBILITY: Record<string, string> = {
  public: 'Public(誰でも呼べる)',
  protected: 'Protected(Twilio の署名が必要)',
  private: 'Private(ほかの Function からのみ)',
};

/** The step's environment variables, described once in @kit/shared's ENV_VARS. */
export function envTableMarkdown(step: Step): string {
  if (step.env.length === 0) {
    return 'この手順では環境変数を使いません。\n';
  }
  const rows = step.env.map((variable) => {
    const spec = ENV_VARS[variable.name];
    const need = variable.required ? '必須' : '任意';
    const secret = spec.secret ? '秘密' : '';
    return `| \`${variable.name}\` | ${need} | ${secret} | ${spec.description} |`;
  });
  return ['| 変数 | 必須/任意 | 秘密 | 内容 |', '| --- | --- | --- | --- |', ...rows, ''].join(
    '\n',
  );
}

/** The step's Functions: URL path, visibility and the file that declares it. */
export function functionsTableMarkdown(step: Step): string {
  const rows = step.functions.map(
    (fn) =>
      `| \`${fn.path}\` | ${VISIBILITY[fn.visibility] ?? fn.visibility} | \`src/functions/${functionFileName(fn)}\` |`,
  );
  return ['| パス | 公開範囲 | ソース |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

/** Where the phone's build puts the files the Console takes. */
export const PHONE_BUILD_DIR = 'packages/browser-phone/dist';

/**
 * What the attendee uploads in the Console (Functions → Assets → Add+ → Upload File),
 * from the catalog's `consoleAssets`. Read defensively: a catalog without the
 * field means nothing to upload.
 */
export function consoleAssetsTableMarkdown(step: Step): string {
  const assets: readonly ConsoleAsset[] =
    (step as Partial<Pick<Step, 'consoleAssets'>>).consoleAssets ?? [];
  if (assets.length === 0) {
    return 'この手順では、Console にアップロードするアセットはありません。\n';
  }
  const rows = assets.map(
    (asset) =>
      `| \`${asset.path}\` | ${VISIBILITY[asset.visibility] ?? asset.visibility} | \`${PHONE_BUILD_DIR}/${asset.file}\` | ${asset.description.replaceAll('|', '\\|')} |`,
  );
  return [
    '| パス | 公開範囲 | アップロードするファイル | 内容 |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
