import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { functionFileName, STEPS, stepDocPath } from '@kit/shared';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR, REPO_ROOT } from './paths.js';

/**
 * Code on the docs pages comes only from the step folders, through VitePress
 * snippet imports (`<<< @/../packages/functions/steps/step-NN/src/…#region{lines} [title]`).
 * VitePress 1.6 silently imports the whole file when a region is misspelled and
 * highlights whatever lines the numbers point at, so this checks every import:
 * the file, the region, and that highlighted lines still show what the page says
 * (`<!-- highlight: text -->` before the import).
 */

// VitePress's own snippet syntax (rawPathRegexp in vitepress 1.6.4).
const SNIPPET =
  /^<<< (.+?(?:\.([a-z0-9]+))?)(?:(#[\w-]+))?(?: ?(?:{(\d+(?:[,-]\d+)*)? ?(\S+)? ?(\S+)?}))? ?(?:\[(.+)\])?$/;
// VitePress's region markers for JS/TS, tested against the trimmed line.
const REGION_MARKER = /^\/\/ ?#?((?:end)?region) ([\w*-]+)$/;
const HIGHLIGHT_NOTE = /^<!-- highlight: (.+) -->$/;
const INCLUDE = /<!--\s*@include:\s*(.*?)\s*-->/g;

interface Snippet {
  page: string;
  line: number;
  file: string;
  region: string | undefined;
  lines: string | undefined;
  expectHighlight: string | undefined;
}

/**
 * The docs' own Markdown pages. The walk never enters node_modules (its workspace
 * links lead into the packages, where other tests create and delete scratch
 * folders while this runs), nor the generated and built folders.
 */
function markdownPages(dir = DOCS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', '.generated', '.vitepress'].includes(entry.name)
        ? []
        : markdownPages(path);
    }
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

function snippetsOf(page: string): Snippet[] {
  const snippets: Snippet[] = [];
  let pendingHighlight: string | undefined;
  readFileSync(page, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const note = HIGHLIGHT_NOTE.exec(text.trim());
      if (note) {
        pendingHighlight = note[1];
        return;
      }
      // An import indented inside a list or container is still an import: check it too.
      if (!text.trimStart().startsWith('<<<')) return;
      const match = SNIPPET.exec(text.trim());
      expect(match, `${relative(DOCS_DIR, page)}:${index + 1} is not a snippet import`).not.toBe(
        null,
      );
      const [, rawPath = '', , region, lines] = match ?? [];
      const file = rawPath.startsWith('@')
        ? join(DOCS_DIR, rawPath.slice(1))
        : resolve(dirname(page), rawPath);
      snippets.push({
        page: relative(DOCS_DIR, page),
        line: index + 1,
        file,
        region: region?.slice(1),
        lines,
        expectHighlight: lines ? pendingHighlight : undefined,
      });
      if (lines) pendingHighlight = undefined;
    });
  return snippets;
}

/** The lines VitePress shows for a region: between the markers, nested markers dropped. */
function regionLines(source: string, region: string): string[] | null {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const marker = (line: string) => REGION_MARKER.exec(line.trim());
  const start = lines.findIndex((line) => {
    const found = marker(line);
    return found?.[1] === 'region' && found[2] === region;
  });
  if (start < 0) return null;
  const end = lines.findIndex((line, index) => {
    const found = marker(line);
    return index > start && found?.[1] === 'endregion' && found[2] === region;
  });
  if (end < 0) return null;
  return lines.slice(start + 1, end).filter((line) => !marker(line));
}

/** `4,8-10` → [4, 8, 9, 10] */
function lineNumbers(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [from = 0, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, offset) => from + offset);
  });
}

/**
 * What is wrong with an import, in words (empty: nothing). VitePress would not
 * say: it imports the whole file for a missing region, and nothing for a missing file.
 */
function snippetProblems(snippet: Snippet): string[] {
  const shown = relative(REPO_ROOT, snippet.file);
  if (!existsSync(snippet.file)) return [`${shown} does not exist (build @kit/functions?)`];
  const problems: string[] = [];
  if (!/^packages\/functions\/steps\/step-\d\d\/((src|dist)\/|twiml-app\.json$)/.test(shown)) {
    problems.push(`${shown}: code comes from the step folders only`);
  }
  const source = readFileSync(snippet.file, 'utf8');
  const lines = snippet.region
    ? regionLines(source, snippet.region)
    : source.replace(/\n$/, '').split('\n');
  if (!lines)
    return [...problems, `region "${snippet.region}" in ${shown} (start and end markers)`];
  if (!snippet.lines) return problems;
  if (snippet.expectHighlight === undefined) {
    return [...problems, 'a highlighted import needs <!-- highlight: text --> above it'];
  }
  const highlighted: string[] = [];
  for (const number of lineNumbers(snippet.lines)) {
    const text = lines[number - 1];
    if (text === undefined || number < 1) {
      problems.push(`highlighted line ${number} of ${lines.length}`);
    } else if (text.trim() === '') {
      problems.push(`highlighted line ${number} is blank`);
    } else highlighted.push(text);
  }
  if (!highlighted.some((text) => text.includes(snippet.expectHighlight ?? ''))) {
    problems.push(
      `highlighted lines ${snippet.lines} of ${shown}#${snippet.region} should show "${snippet.expectHighlight}":\n${highlighted.join('\n')}`,
    );
  }
  return problems;
}

const pages = markdownPages();
const allSnippets = pages.flatMap(snippetsOf);

describe('docs code imports', () => {
  it('finds the pages and their imports', () => {
    expect(pages.length).toBeGreaterThanOrEqual(10);
    expect(allSnippets.length).toBeGreaterThanOrEqual(20);
  });

  it.each(allSnippets.map((snippet) => [`${snippet.page}:${snippet.line}`, snippet] as const))(
    '%s imports an existing file, region and highlight',
    (_where, snippet) => {
      expect(snippetProblems(snippet)).toEqual([]);
    },
  );

  it('fails on a stale import: a file, a region or a highlighted line that is gone', () => {
    const stepFile = (path: string) => join(REPO_ROOT, 'packages/functions/steps', path);
    const stale = (change: Partial<Snippet>): Snippet => ({
      page: 'steps/stale.md',
      line: 1,
      file: stepFile('step-01/src/functions/hello-voice.ts'),
      region: undefined,
      lines: undefined,
      expectHighlight: undefined,
      ...change,
    });
    expect(snippetProblems(stale({}))).toEqual([]);
    expect(snippetProblems(stale({ file: stepFile('step-03/src/lib/cors.ts') }))).toEqual([
      'packages/functions/steps/step-03/src/lib/cors.ts does not exist (build @kit/functions?)',
    ]);
    expect(snippetProblems(stale({ region: 'handler' }))[0]).toMatch(/^region "handler" in /);
    expect(snippetProblems(stale({ lines: '2', expectHighlight: 'no such text' }))).toHaveLength(1);
    expect(snippetProblems(stale({ lines: '99', expectHighlight: 'x' }))[0]).toMatch(
      /^highlighted line 99 of /,
    );
  });
});

describe.each(STEPS.map((step) => [step.tag, step] as const))('docs page of %s', (tag, step) => {
  const page = join(DOCS_DIR, stepDocPath(step));
  const text = readFileSync(page, 'utf8');
  const snippets = snippetsOf(page);
  const files = snippets.map((snippet) => relative(REPO_ROOT, snippet.file));

  it('imports code from its own step folder only', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(new RegExp(`^packages/functions/steps/${tag}/`));
  });

  it('shows each finished Function, whole, as TypeScript source and as the compiled JavaScript', () => {
    const whole = snippets
      .filter((snippet) => snippet.region === undefined)
      .map((snippet) => relative(REPO_ROOT, snippet.file));
    for (const fn of step.functions) {
      expect(whole).toContain(
        `packages/functions/steps/${tag}/src/functions/${functionFileName(fn)}`,
      );
      expect(whole).toContain(
        `packages/functions/steps/${tag}/dist/functions/${functionFileName(fn, 'js')}`,
      );
    }
    expect(text).toContain('::: code-group');
  });

  it('pastes no code by hand', () => {
    const fences = [...text.matchAll(/^(`{3,})(\w*)/gm)].map((match) => match[2]);
    expect(
      fences.filter((lang) => ['ts', 'js', 'typescript', 'javascript'].includes(lang ?? '')),
    ).toEqual([]);
  });

  it('has the sections every step page has, and names its tag', () => {
    for (const heading of [
      '## ゴール',
      '## この手順で手に入るもの',
      '## Console で進める',
      '## 手元で進める',
      '## コード',
      '## 前の手順からの変更',
      '## 確かめる',
      '## セキュリティ',
      '## この手順のタグ',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain(`\`${tag}\``);
    expect(text).toContain(`<!--@include: ../.generated/diff/${tag}.md-->`);
  });
});

describe('docs includes', () => {
  const includes = pages.flatMap((page) =>
    [...readFileSync(page, 'utf8').matchAll(INCLUDE)].map(
      (match) => [relative(DOCS_DIR, page), resolve(dirname(page), match[1] ?? '')] as const,
    ),
  );

  it.each(includes)('%s includes %s, which the generator wrote', (_page, file) => {
    // VitePress leaves a missing include as an invisible comment: fail here instead.
    expect(existsSync(file), `${file} missing: run pnpm docs:build`).toBe(true);
  });
});
