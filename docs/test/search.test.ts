import { describe, expect, it } from 'vitest';
import { tokenize } from '../.vitepress/search.js';

describe('search tokenizer', () => {
  it('splits Japanese runs into bigrams and keeps Latin words whole', () => {
    expect(tokenize('トークンを発行する')).toEqual([
      'トー',
      'ーク',
      'クン',
      'ンを',
      'を発',
      '発行',
      '行す',
      'する',
    ]);
    expect(tokenize('new AccessToken.VoiceGrant({')).toEqual(['new', 'AccessToken', 'VoiceGrant']);
    expect(tokenize('着')).toEqual(['着']);
  });

  it('finds a word inside a sentence: every bigram of the query is in the text', () => {
    const text = new Set(tokenize('ブラウザでアクセストークンを受け取り、着信を待ちます。'));
    for (const query of ['アクセストークン', '着信', 'トークン']) {
      expect(
        tokenize(query).every((token) => text.has(token)),
        query,
      ).toBe(true);
    }
  });

  it('survives serialization, as VitePress ships it to the browser', () => {
    // VitePress rebuilds the function from its source text: it must not use anything outside itself.
    const source = tokenize.toString();
    const body = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}'));
    const rebuilt = new Function('text', body) as typeof tokenize;
    expect(rebuilt('発信と着信 VoiceGrant')).toEqual(tokenize('発信と着信 VoiceGrant'));
  });
});
