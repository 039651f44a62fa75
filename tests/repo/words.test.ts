import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR, REPO_ROOT, repositoryFiles } from './paths.js';

/**
 * One word per concept (docs/prh.yml): textlint checks the pages with it, and
 * this test checks, with the same dictionary and prh's own engine, the words
 * textlint does not read: the READMEs, and the Japanese strings of the phone,
 * the CLIs and the doctor (their messages, hints and screen text).
 *
 * Only prose is checked, as textlint does: code blocks and code spans of the
 * Markdown, and everything but the string literals of the sources (comments,
 * identifiers), are left out, so `step-01`, `pnpm dev:step` or `VoiceGrant`
 * in code stay as they are.
 */

const DICTIONARY = join(DOCS_DIR, 'prh.yml');

/** The part of prh's engine this test uses (prh ships no types reachable from here). */
interface PrhDiff {
  index: number;
  matches: string[];
  expected?: string;
}
interface PrhRule {
  expected: string;
  raw: { specs?: { from: string; to: string }[] };
}
interface PrhEngine {
  rules: PrhRule[];
  makeChangeSet(filePath: string, content: string): { diffs: PrhDiff[] };
}

/** prh as textlint-rule-prh loads it: the docs package's rule, and the engine it depends on. */
function loadDictionary(): PrhEngine {
  const fromDocs = createRequire(join(DOCS_DIR, 'package.json'));
  const fromRule = createRequire(fromDocs.resolve('textlint-rule-prh'));
  const prh = fromRule('prh') as { fromYAMLFilePath(path: string): PrhEngine };
  // prh runs every rule's specs here and throws on the first that fails.
  return prh.fromYAMLFilePath(DICTIONARY);
}

interface Finding {
  /** 1-based */
  line: number;
  found: string;
  expected: string;
}

/** Where prose breaks the dictionary: the text found and the text the rule wants instead. */
function findWords(engine: PrhEngine, text: string): Finding[] {
  return engine
    .makeChangeSet('', text)
    .diffs.map((diff) => {
      const found = diff.matches[0] ?? '';
      // As textlint-rule-prh does: `$1` in `expected` stands for the match's first group.
      const expected = (diff.expected ?? '').replace(/\$(\d{1,2})/g, (whole, group: string) => {
        const index = Number(group);
        return index === 0 || index >= diff.matches.length ? whole : (diff.matches[index] ?? '');
      });
      return { index: diff.index, found, expected };
    })
    .filter(({ found, expected }) => found !== expected)
    .sort((a, b) => a.index - b.index)
    .map(({ index, found, expected }) => ({ line: lineAt(text, index), found, expected }));
}

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const JAPANESE = /[\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Han}]/u;

/** Blanks a span, keeping its line breaks, so that what follows stays on its line. */
const blank = (span: string) => span.replace(/[^\n]/g, ' ');

/**
 * Markdown's Japanese prose: fenced code blocks, code spans, link targets and
 * HTML comments blanked out (textlint skips the first two as well), and lines
 * without Japanese (the English summary, the benchmark's own table rows).
 */
function markdownProse(markdown: string): string {
  const prose = markdown
    .replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\2[`~]*[ \t]*$|(?![\s\S]))/gm, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, blank)
    .replace(/\]\([^)\s]*(?:\s+"[^"]*")?\)/g, (target) => `]${blank(target.slice(1))}`);
  return prose
    .split('\n')
    .map((line) => (JAPANESE.test(line) ? line : blank(line)))
    .join('\n');
}

/** The string literals (and template pieces) of a source that hold Japanese, as written. */
function japaneseStrings(fileName: string, source: string): { start: number; text: string }[] {
  const kind = /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const found: { start: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) ||
      ts.isJsxText(node)
    ) {
      const start = node.getStart(file);
      const text = source.slice(start, node.end);
      if (JAPANESE.test(text)) found.push({ start, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** A source's Japanese strings in place, everything else blanked: lines stay where they were. */
function sourceProse(fileName: string, source: string): string {
  let prose = '';
  let at = 0;
  for (const { start, text } of japaneseStrings(fileName, source)) {
    prose += blank(source.slice(at, start)) + text;
    at = start + text.length;
  }
  return prose + blank(source.slice(at));
}

/** The page's text: scripts, styles and comments blanked. */
function htmlProse(html: string): string {
  return html.replace(
    /<script\b[\s\S]*?<\/script>|<style\b[\s\S]*?<\/style>|<!--[\s\S]*?-->/g,
    blank,
  );
}

const CHECKED: { pattern: RegExp; prose: (file: string, text: string) => string }[] = [
  { pattern: /^(?:packages\/[^/]+\/)?README\.md$/, prose: (_, text) => markdownProse(text) },
  {
    pattern: /^(?:packages\/[^/]+\/(?:src|scripts)\/.+|scripts\/[^/]+)\.(?:[cm]?[jt]s|tsx)$/,
    prose: sourceProse,
  },
  { pattern: /^packages\/browser-phone\/index\.html$/, prose: (_, text) => htmlProse(text) },
];

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(join(REPO_ROOT, file), 'utf8');
  } catch {
    return undefined; // deleted in the work tree
  }
}

describe('one word per concept (docs/prh.yml)', () => {
  const engine = loadDictionary();

  it('has rules that each say what to write and carry specs (prh checks them when it loads)', () => {
    expect(engine.rules.length).toBeGreaterThan(0);
    for (const rule of engine.rules) {
      expect(rule.expected, JSON.stringify(rule.raw)).not.toBe('');
      expect(rule.raw.specs?.length ?? 0, `specs of ${rule.expected}`).toBeGreaterThan(0);
    }
  });

  it('recognises forbidden words in prose and leaves code alone', () => {
    const markdown = [
      '各ステップの完成形は `step-01` にあります。',
      '',
      '```sh',
      'pnpm dev:step 3  # ローカルモード',
      '```',
      '',
      'トークンの VoiceGrant と `VoiceGrant` と [参照実装](../steps/参照実装.md)。',
    ].join('\n');
    expect(findWords(engine, markdownProse(markdown))).toEqual([
      { line: 1, found: 'ステップ', expected: '手順' },
      { line: 1, found: '完成形', expected: '完成コード' },
      { line: 7, found: 'VoiceGrant ', expected: 'Voice グラント' },
      { line: 7, found: '参照実装', expected: '完成コード' },
    ]);

    const source = [
      '// ローカルモード: a comment is not a message',
      "const mode = 'ローカルモード(Twilio なし)';",
      // A template literal with a placeholder (escaped here, so that it stays text).
      `const hint = \`手順$\{n} の参照実装をコピーしました。\`;`,
      "const code = 'VoiceGrant';",
      "const grant = new VoiceGrant({ incomingAllow: true }); // 'ステップ'",
    ].join('\n');
    expect(findWords(engine, sourceProse('x.ts', source))).toEqual([
      { line: 2, found: 'ローカルモード', expected: 'オフラインモード' },
      { line: 3, found: '参照実装', expected: '完成コード' },
    ]);

    expect(
      findWords(
        engine,
        htmlProse('<title>ステップ</title>\n<script>const s = "ステップ";</script>'),
      ),
    ).toEqual([{ line: 1, found: 'ステップ', expected: '手順' }]);
  });

  it('is kept by the READMEs, the phone, the CLI messages and the doctor', () => {
    const files = repositoryFiles().filter((file) =>
      CHECKED.some(({ pattern }) => pattern.test(file)),
    );
    expect(files).toContain('README.md');
    expect(files).toContain('packages/doctor/src/report.ts');
    expect(files).toContain('packages/browser-phone/index.html');
    const offending = files.flatMap((file) => {
      const text = readIfPresent(file);
      if (text === undefined) return [];
      const checker = CHECKED.find(({ pattern }) => pattern.test(file));
      if (!checker) return [];
      return findWords(engine, checker.prose(file, text)).map(
        ({ line, found, expected }) => `${file}:${line}: 「${found.trim()}」→「${expected}」`,
      );
    });
    expect(offending).toEqual([]);
  });
});
