/**
 * Text a reader would have to replace before using it: a Japanese phrase in angle
 * brackets (`<このリポジトリの URL>`, `<クローンしたフォルダー>`), as built HTML has it
 * (`&lt;…&gt;`) or as Markdown source does. Code such as `<Dial>` has no Japanese.
 */
const JAPANESE = '[\\u3040-\\u30ff\\u3400-\\u9fff]';
const PLACEHOLDER = new RegExp(
  `(?:&lt;|<)[^<>&\\n]{0,40}${JAPANESE}[^<>&\\n]{0,40}(?:&gt;|>)`,
  'g',
);

export function placeholdersIn(text: string): string[] {
  // Drop tags first: `<a …>ホーム</a>` is markup around Japanese, not a placeholder.
  const withoutTags = text.replace(/<\/?[A-Za-z][^<>]*>/g, ' ');
  return [...withoutTags.matchAll(PLACEHOLDER)].map((match) => match[0]);
}
