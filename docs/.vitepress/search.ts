/**
 * Japanese-aware tokenizer for VitePress local search (MiniSearch).
 *
 * VitePress indexes whole runs of text between punctuation, so a word inside a
 * Japanese sentence (トークン in 「トークンを発行する」) is never found (vitepress#4049).
 * This splits CJK runs into overlapping two-character pieces (bigrams) and keeps
 * Latin words whole; the query goes through the same function, and
 * `combineWith: 'AND'` makes every bigram of the query count.
 *
 * It must stay self-contained (no imports, no outer variables): VitePress
 * serializes it with `toString()` into the page and rebuilds it with `new Function`.
 */
export function tokenize(text: string): string[] {
  const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆]/u;
  const runs =
    text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆]+|[\p{L}\p{N}_]+/gu) ??
    [];
  const tokens: string[] = [];
  for (const run of runs) {
    if (!cjk.test(run)) {
      tokens.push(run);
      continue;
    }
    if (run.length === 1) {
      tokens.push(run);
      continue;
    }
    for (let index = 0; index < run.length - 1; index++) {
      tokens.push(run.slice(index, index + 2));
    }
  }
  return tokens;
}
