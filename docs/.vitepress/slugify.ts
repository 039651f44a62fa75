// biome-ignore-all lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
/**
 * VitePress's heading slugify (@mdit-vue/shared), but ending in NFC.
 *
 * The original decomposes with NFKD, so a heading with voiced kana (が, ド) gets
 * an id in decomposed form (か + U+3099) that a link typed in Markdown, which is
 * NFC, never matches: `[…](#アクセストークンが無効)` would not scroll anywhere.
 */
const CONTROL = /[\u0000-\u001f]/g;
const SPECIAL = /[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g;
const COMBINING_LATIN = /[\u0300-\u036F]/g;

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING_LATIN, '')
    .replace(CONTROL, '')
    .replace(SPECIAL, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase()
    .normalize('NFC');
}
