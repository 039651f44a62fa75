// textlint for the Japanese pages: the ja-technical-writing preset, every rule as shipped, and
// the kit's own words (prh.yml).
//
// No rule is relaxed. Code terms do not clash with the preset: textlint skips inline
// code and code blocks, so `TWIML_APP_SID` or `incomingAllow: true` are never counted
// as long kanji runs, sentences or doubled particles.
//
// What does clash is VitePress's own Markdown syntax, which textlint reads as prose:
// - `::: tip タイトル` / `:::` (custom containers) are paragraphs without a 。, so
//   ja-no-mixed-period would flag every container;
// - `<<< @/../packages/…#region{lines} [title]` (code imports) are paragraphs too, long
//   and without a 。 (sentence-length, ja-no-mixed-period).
// The allowlist filter hides reports on exactly those lines and nowhere else (so a container's
// title is not checked by prh either).
//
// prh: one word per concept (完成コード, 手順, オフラインモード, Voice グラント, …). The
// dictionary is prh.yml, next to this file; each entry says why and carries specs that prh
// checks when it loads. Link texts and emphasis are checked too (prh skips them by default):
// they are the kit's own words. Block quotes stay unchecked. `textlint --fix` writes the
// expected words. tests/repo/words.test.ts applies the same dictionary to the READMEs and
// the packages' Japanese strings, which textlint does not read.
//
// `pnpm lint` runs textlint with --cache, whose key is this configuration, not the files a
// rule reads: without the dictionary's hash below, a page that passed would not be checked
// again after an entry is added to prh.yml.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dictionaryHash = createHash('sha256')
  .update(readFileSync(join(__dirname, 'prh.yml')))
  .digest('hex');

module.exports = {
  filters: {
    allowlist: {
      allow: ['/^:::.*$/m', '/^<<< .*$/m'],
    },
  },
  rules: {
    'preset-ja-technical-writing': true,
    prh: {
      rulePaths: ['./prh.yml'],
      checkLink: true,
      checkEmphasis: true,
      // Not read by the rule: only there to change the cache key when prh.yml changes.
      dictionaryHash,
    },
  },
};
