import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../.vitepress/config.mjs';
import { DOCS_DIR } from '../scripts/lib/paths.js';

/**
 * docs/FACTS.md: every Twilio fact the pages state, with its source. Kept in the
 * repository, out of the site.
 */
const rows = readFileSync(join(DOCS_DIR, 'FACTS.md'), 'utf8')
  .split('\n')
  .filter((line) => /^\| \d+ \|/.test(line))
  .map((line) =>
    line
      .replace(/^\| /, '')
      .split(' | ')
      .map((cell) => cell.trim()),
  );

describe('the facts table', () => {
  it('has rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it('gives every fact a source: a Twilio docs URL, a GitHub thread or a file:line', () => {
    for (const [number, fact, , source] of rows) {
      expect(source, `row ${number}: ${fact}`).toMatch(
        /https:\/\/(www\.)?twilio\.com\/|https:\/\/github\.com\/|https:\/\/twilio\.github\.io\/|\.(ts|js):\d+/,
      );
    }
  });

  it('is not published', () => {
    expect(config.srcExclude).toContain('FACTS.md');
  });
});
