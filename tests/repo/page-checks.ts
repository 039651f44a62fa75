import { readFileSync } from 'node:fs';

/**
 * The 「確かめる」 section of a step page, read as a script: under
 * `### 手元で確かめる`, every `sh` block is a command the reader types at the
 * repository root, and the next code block after it (any other language) is the
 * output the page promises. `### Console で確かめる` is prose for the cloud and is
 * only required to exist.
 */

export const CHECK_SECTION = '## 確かめる';
export const LOCAL_HEADING = '### 手元で確かめる';
export const CONSOLE_HEADING = '### Console で確かめる';

export interface PageCommand {
  /** 1-based line of the `sh` fence in the page. */
  line: number;
  script: string;
  expected?: { language: string; text: string; line: number };
}

export interface PageChecks {
  text: string;
  headings: string[];
  commands: PageCommand[];
}

const OUTPUT_LANGUAGES = new Set(['json', 'xml', 'text']);

/** A command line the reader runs elsewhere (the server the test has already started). */
const STARTS_SERVER = /^pnpm dev(:step \d+)?( |$)/;

export function readPageChecks(path: string): PageChecks {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const headings: string[] = [];
  const commands: PageCommand[] = [];
  let inLocal = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (/^#{2,3} /.test(line)) {
      // A heading's text without the clone badge (docs/scripts/lib/routes.ts) that marks it.
      const heading = line.replace(/\s*<Badge [^>]*\/>\s*$/, '').trim();
      headings.push(heading);
      inLocal = heading === LOCAL_HEADING;
      continue;
    }
    const fence = /^```(\S*)/.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith('```'));
    const body = lines.slice(index + 1, end).join('\n');
    const fenceLine = index + 1;
    index = end;
    if (!inLocal) continue;
    const language = fence[1] ?? '';
    if (language === 'sh') {
      commands.push({ line: fenceLine, script: runnableScript(body) });
      continue;
    }
    // Other blocks (the `ini` lines to add to .env, say) are not output.
    if (!OUTPUT_LANGUAGES.has(language)) continue;
    const last = commands.at(-1);
    if (!last || last.expected) {
      throw new Error(`line ${fenceLine}: an output block with no command before it`);
    }
    last.expected = { language, text: body, line: fenceLine };
  }
  return { text, headings, commands };
}

/** The block as bash would run it: comments and the server start dropped. */
function runnableScript(body: string): string {
  return body
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .map((line) => line.replace(/\s+#\s.*$/, ''))
    .filter((line) => !STARTS_SERVER.test(line.trim()))
    .join('\n')
    .trim();
}

/**
 * Does the output show what the page shows? JSON: the same keys and strings,
 * numbers by type only (times and expiries change on every run). Anything else:
 * the page's lines appear in the output in the same order. In both, `…` in the
 * page stands for any text.
 */
export function outputProblems(language: string, expected: string, actual: string): string[] {
  if (language === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(actual);
    } catch {
      return [`not JSON:\n${actual}`];
    }
    return jsonProblems(JSON.parse(expected), parsed, '$');
  }
  return linesProblems(expected, actual);
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function jsonProblems(expected: unknown, actual: unknown, at: string): string[] {
  if (typeof expected === 'string') {
    return typeof actual === 'string' && wildcard(expected).test(actual)
      ? []
      : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (typeof expected === 'number' || typeof expected === 'boolean' || expected === null) {
    const same = typeof expected === 'number' ? typeof actual === 'number' : actual === expected;
    return same
      ? []
      : [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`];
    }
    return expected.flatMap((item, index) => jsonProblems(item, actual[index], `${at}[${index}]`));
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
  }
  const want = expected as Record<string, unknown>;
  const got = actual as Record<string, unknown>;
  const keys = (value: object) => Object.keys(value).sort().join(', ');
  if (keys(want) !== keys(got)) return [`${at}: keys ${keys(got)}, the page shows ${keys(want)}`];
  return Object.keys(want).flatMap((key) => jsonProblems(want[key], got[key], `${at}.${key}`));
}

function linesProblems(expected: string, actual: string): string[] {
  const outputLines = actual.replace(/\r/g, '').split('\n');
  let from = 0;
  for (const line of expected.split('\n')) {
    const pattern = wildcard(line.trimEnd());
    const found = outputLines.findIndex(
      (candidate, at) => at >= from && pattern.test(candidate.trimEnd()),
    );
    if (found < 0)
      return [`the output has no line ${JSON.stringify(line)} (in this order):\n${actual}`];
    from = found + 1;
  }
  return [];
}
