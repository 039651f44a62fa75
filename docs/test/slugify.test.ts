import { describe, expect, it } from 'vitest';
import { slugify } from '../.vitepress/slugify.js';

describe('heading slugify', () => {
  it('keeps voiced kana composed (NFC), so Markdown links match the ids', () => {
    const slug = slugify('20101 アクセストークンが無効');
    expect(slug).toBe('_20101-アクセストークンが無効');
    expect(slug).toBe(slug.normalize('NFC'));
  });

  it('still turns punctuation and full-width brackets into single hyphens', () => {
    expect(slugify('トークンを発行する(/voice-token)')).toBe('トークンを発行する-voice-token');
    expect(slugify('公開範囲(Visibility)')).toBe('公開範囲-visibility');
    expect(slugify('CORS のエラー')).toBe('cors-のエラー');
  });
});
