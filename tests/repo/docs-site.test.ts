import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { STEPS, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { placeholdersIn } from './placeholders.js';
import { BUILT_DOCS_DIR, SITE_BASE, siteBuildProblem } from './site-build.js';

/**
 * The built site (turbo builds @kit/docs before the tests, under the sub-path of
 * site-build.ts), read as a self-learner
 * gets it: the phone page built for the Console is a download of the site, the same
 * bytes as the phone's build, linked from its step page with its size; and no page
 * asks the reader to type over a placeholder.
 */
const SITE = BUILT_DOCS_DIR;
const htmlFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html') && !file.startsWith('downloads/'))
    .map((file) => join(dir, file));

describe('the built docs site', () => {
  it('has been built, for its sub-path', () => {
    expect(existsSync(join(SITE, 'index.html')), 'pnpm test builds it').toBe(true);
    expect(siteBuildProblem()).toBeNull();
  });

  const uploads = STEPS.flatMap((step) => step.consoleAssets.map((asset) => ({ step, asset })));

  it('has something to download', () => {
    expect(uploads.length).toBeGreaterThan(0);
  });

  it.each(uploads.map(({ step, asset }) => [`${step.tag}/${asset.file}`, step, asset] as const))(
    'publishes %s, the same bytes as the phone build, linked from the step page with its size',
    (name, step, asset) => {
      const published = readFileSync(join(SITE, 'downloads', name));
      const built = readFileSync(join(PHONE_DIST_DIR, asset.file));
      expect(published.equals(built), `${name} differs from the phone's build`).toBe(true);
      const page = readFileSync(join(SITE, stepDocPath(step).replace(/\.md$/, '.html')), 'utf8');
      const size = `${Math.max(1, Math.round(built.length / 1024))} kB`;
      expect(page).toContain(`<a href="${SITE_BASE}downloads/${name}" download="${asset.file}">`);
      expect(page).toContain(`(${size})`);
    },
  );

  it('asks no reader to type over a placeholder', () => {
    const found = htmlFiles(SITE).flatMap((file) =>
      placeholdersIn(readFileSync(file, 'utf8')).map((text) => `${relative(SITE, file)}: ${text}`),
    );
    expect(found).toEqual([]);
  });
});

describe('placeholder detection', () => {
  it('finds the placeholders the pages once had, and not code or markup', () => {
    expect(placeholdersIn('<code>git clone &lt;このリポジトリの URL&gt;</code>')).toEqual([
      '&lt;このリポジトリの URL&gt;',
    ]);
    expect(placeholdersIn('cd <クローンしたフォルダー>')).toEqual(['<クローンしたフォルダー>']);
    expect(placeholdersIn('&lt;Dial&gt;&lt;Client&gt;bob<a href="/">ホーム</a>')).toEqual([]);
  });
});
