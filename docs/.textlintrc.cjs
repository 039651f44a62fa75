// textlint for the Japanese pages: the ja-technical-writing preset, every rule as shipped.
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
// The allowlist filter hides reports on exactly those lines and nowhere else.
module.exports = {
  filters: {
    allowlist: {
      allow: ['/^:::.*$/m', '/^<<< .*$/m'],
    },
  },
  rules: {
    'preset-ja-technical-writing': true,
  },
};
