import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { STEPS, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { BUILT_DOCS_DIR, SITE_BASE, siteBuildProblem } from './site-build.js';

/**
 * Link check of the built site (docs/.vitepress/dist, which turbo builds before the
 * tests, under the sub-path of repo/site-build.ts): every internal link, image and
 * script stays under the site's base and points at a file that exists, and every
 * #anchor at an id on that page.
 */

const DIST = BUILT_DOCS_DIR;

function htmlFiles(): string[] {
  if (!existsSync(DIST)) return [];
  return readdirSync(DIST, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.html'))
    .sort();
}

/** Attribute values of href/src in the page's markup (the SSR output VitePress writes). */
function references(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((match) =>
    (match[1] ?? '').replaceAll('&amp;', '&'),
  );
}

function ids(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => decode(match[1] ?? '')));
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The file a site URL is served from (VitePress without cleanUrls: `/kit-docs/a/b.html`,
 * `/kit-docs/a/` → index); null for an absolute path outside the site's base.
 */
function targetFile(fromFile: string, path: string): string | null {
  if (path.startsWith('/') && !`${path}/`.startsWith(SITE_BASE)) return null;
  const absolute = path.startsWith('/')
    ? join(DIST, decode(path.slice(SITE_BASE.length)))
    : resolve(dirname(join(DIST, fromFile)), decode(path));
  if (existsSync(absolute) && statSync(absolute).isDirectory()) return join(absolute, 'index.html');
  if (!existsSync(absolute) && existsSync(`${absolute}.html`)) return `${absolute}.html`;
  return absolute;
}

const pages = htmlFiles();

describe('built docs site', () => {
  it('exists, built for its sub-path, and has every step page', () => {
    expect(siteBuildProblem()).toBeNull();
    expect(pages.length, `no HTML in ${DIST}: run pnpm test`).toBeGreaterThan(0);
    for (const step of STEPS) {
      expect(pages).toContain(stepDocPath(step).replace(/\.md$/, '.html'));
    }
    for (const page of [
      'index.html',
      '404.html',
      'guide/getting-started.html',
      'guide/runtime.html',
      'guide/troubleshooting.html',
      'guide/glossary.html',
      'guide/instructor.html',
    ]) {
      expect(pages).toContain(page);
    }
  });

  it.each(pages)('%s: internal links, images and anchors resolve', (page) => {
    const html = readFileSync(join(DIST, page), 'utf8');
    const broken: string[] = [];
    for (const reference of references(html)) {
      if (/^(https?:|mailto:|data:|javascript:)/.test(reference) || reference === '') continue;
      if (reference.startsWith('//')) {
        broken.push(`${reference} (protocol-relative: leaves the site)`);
        continue;
      }
      const [path = '', anchor] = reference.split('#');
      const file = path === '' ? join(DIST, page) : targetFile(page, path);
      if (file === null) {
        broken.push(`${reference} (outside the site's base ${SITE_BASE})`);
        continue;
      }
      if (!existsSync(file)) {
        broken.push(`${reference} → missing ${relative(DIST, file)}`);
        continue;
      }
      if (anchor && file.endsWith('.html')) {
        const target = file === join(DIST, page) ? html : readFileSync(file, 'utf8');
        if (!ids(target).has(decode(anchor)))
          broken.push(`${reference} → no id "${decode(anchor)}"`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('puts no credentials on a page: no full SIDs, no complete tokens', () => {
    const files = readdirSync(DIST, { recursive: true })
      .map(String)
      .filter((file) => /\.(html|js|json|svg)$/.test(file));
    const leaks: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(DIST, file), 'utf8');
      for (const match of text.matchAll(/\b(?:AC|SK|AP|IS|ZS)[0-9a-f]{32}\b/g)) {
        leaks.push(`${file}: ${match[0]}`);
      }
      for (const match of text.matchAll(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{20,}/g)) {
        leaks.push(`${file}: ${match[0].slice(0, 20)}…`);
      }
    }
    expect(files.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });

  it('links from the sidebar to every step page in catalog order', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const order = STEPS.map((step) => stepDocPath(step).replace(/\.md$/, '.html'));
    const stepPage = readFileSync(join(DIST, order[0] ?? 'missing'), 'utf8');
    const links = [
      ...stepPage.matchAll(new RegExp(`href="${SITE_BASE}(steps/[^"#]+\\.html)"`, 'g')),
    ].map((match) => match[1]);
    expect(
      links.filter((link, index) => links.indexOf(link) === index && order.includes(link ?? '')),
    ).toEqual(order);
    expect(html).toContain('lang="ja-JP"');
  });
});
