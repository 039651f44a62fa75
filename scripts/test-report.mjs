#!/usr/bin/env node
// node scripts/test-report.mjs [--since EPOCH_MS] — the slowest tests and test files of the
// last `pnpm test`, across packages (issue #22: the next slow test is seen the day it lands).
//
// It reads what the runners already write:
// - Vitest's JSON reporter, `.test-report/vitest-<package>.json` (each package's config
//   adds it): per test and per file;
// - Playwright's JSON reporter, `.test-report/playwright-*.json` (tests/playwright.config.ts);
// - for a package whose config has no JSON reporter, Vitest's own results cache
//   (`node_modules/.vite/vitest/*/results.json`, written on every run): per file only.
// It prints both lists and writes them to `.test-report/slowest.md` (for CI to keep).
// Fail-safe: a missing or unreadable report is skipped, any error is one warning line,
// and the exit code is always 0: the report never changes the outcome of a test run.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPORT_DIR = join(ROOT, '.test-report');
const TOP = 10;

/** @typedef {{ package: string, file: string, name: string, seconds: number }} TestTime */
/** @typedef {{ package: string, file: string, seconds: number, tests: number | undefined }} FileTime */

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The workspace packages with a package.json: `packages/*` and `tests`. */
function packageDirs() {
  const dirs = [join(ROOT, 'tests')];
  for (const name of readdirSync(join(ROOT, 'packages'))) dirs.push(join(ROOT, 'packages', name));
  return dirs.filter((dir) => existsSync(join(dir, 'package.json')));
}

function packageNameOf(dir) {
  return readJson(join(dir, 'package.json'))?.name ?? relative(ROOT, dir);
}

/** The package a test file path belongs to (the longest package folder that holds it). */
function packageOfFile(path, packages) {
  let best;
  for (const pkg of packages) {
    if (path.startsWith(`${pkg.dir}/`) && (!best || pkg.dir.length > best.dir.length)) best = pkg;
  }
  return best;
}

/** Vitest's JSON reporter: testResults[] with start/end times and assertionResults[] with durations. */
function fromVitestJson(report, packages, tests, files) {
  const seen = new Set();
  for (const result of report.testResults ?? []) {
    const pkg = packageOfFile(result.name, packages);
    if (!pkg) continue;
    seen.add(pkg.dir);
    const file = relative(pkg.dir, result.name);
    const assertions = result.assertionResults ?? [];
    files.push({
      package: pkg.name,
      file,
      seconds: (result.endTime - result.startTime) / 1000,
      tests: assertions.length,
    });
    for (const assertion of assertions) {
      if (typeof assertion.duration !== 'number') continue;
      tests.push({
        package: pkg.name,
        file,
        name: assertion.fullName ?? assertion.title,
        seconds: assertion.duration / 1000,
      });
    }
  }
  return seen;
}

/** Playwright's JSON reporter: nested suites of specs, each test with its results (retries too). */
function fromPlaywrightJson(report, tests, files) {
  const perFile = new Map();
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      const seconds = (spec.tests ?? [])
        .flatMap((test) => test.results ?? [])
        .reduce((sum, result) => sum + (result.duration ?? 0) / 1000, 0);
      const file = join('e2e', spec.file ?? suite.file ?? '?');
      tests.push({
        package: '@kit/tests (Playwright)',
        file,
        name: [...titles, spec.title].join(' > '),
        seconds,
      });
      const entry = perFile.get(file) ?? { seconds: 0, tests: 0 };
      entry.seconds += seconds;
      entry.tests += 1;
      perFile.set(file, entry);
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  for (const [file, entry] of perFile) {
    files.push({ package: '@kit/tests (Playwright)', file, ...entry });
  }
}

/** Vitest's results cache (per file, no per-test times), if it was written during this run. */
function fromVitestCache(pkg, since, files) {
  const cacheRoot = join(pkg.dir, 'node_modules/.vite/vitest');
  if (!existsSync(cacheRoot)) return;
  for (const hash of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, hash, 'results.json');
    if (!existsSync(path) || statSync(path).mtimeMs < since) continue;
    for (const [key, value] of readJson(path)?.results ?? []) {
      if (typeof value?.duration !== 'number') continue;
      files.push({
        package: pkg.name,
        file: String(key).replace(/^[^:]*:/, ''),
        seconds: value.duration / 1000,
        tests: undefined,
      });
    }
  }
}

/** Every test and file time the last run left, read from the reports newer than `since`. */
export function collectTimes(since = 0) {
  /** @type {TestTime[]} */
  const tests = [];
  /** @type {FileTime[]} */
  const files = [];
  const packages = packageDirs().map((dir) => ({ dir, name: packageNameOf(dir) }));
  const covered = new Set();
  if (existsSync(REPORT_DIR)) {
    for (const name of readdirSync(REPORT_DIR)) {
      const path = join(REPORT_DIR, name);
      if (!name.endsWith('.json') || statSync(path).mtimeMs < since) continue;
      const report = readJson(path);
      if (!report) continue;
      if (name.startsWith('vitest-')) {
        for (const dir of fromVitestJson(report, packages, tests, files)) covered.add(dir);
      } else if (name.startsWith('playwright')) {
        fromPlaywrightJson(report, tests, files);
      }
    }
  }
  for (const pkg of packages) if (!covered.has(pkg.dir)) fromVitestCache(pkg, since, files);
  return { tests, files };
}

const seconds = (value) => `${value.toFixed(1)} s`;

/** The two tables, as Markdown (readable as plain text in a terminal or a CI log). */
export function formatSlowest({ tests, files }, top = TOP) {
  const slowTests = [...tests].sort((a, b) => b.seconds - a.seconds).slice(0, top);
  const slowFiles = [...files].sort((a, b) => b.seconds - a.seconds).slice(0, top);
  const lines = [
    `## The ${top} slowest tests`,
    '',
    '| time | package | file | test |',
    '| ---: | --- | --- | --- |',
  ];
  for (const test of slowTests) {
    lines.push(
      `| ${seconds(test.seconds)} | ${test.package} | ${test.file} | ${test.name.replaceAll('|', '\\|')} |`,
    );
  }
  lines.push(
    '',
    `## The ${top} slowest test files`,
    '',
    '| time | package | file | tests |',
    '| ---: | --- | --- | ---: |',
  );
  for (const file of slowFiles) {
    lines.push(
      `| ${seconds(file.seconds)} | ${file.package} | ${file.file} | ${file.tests ?? '?'} |`,
    );
  }
  lines.push(
    '',
    `(${tests.length} tests and ${files.length} files timed; a file's time is its own wall time, files of a package run side by side; "?" = per-file time only, from Vitest's cache.)`,
  );
  return `${lines.join('\n')}\n`;
}

/** Prints and saves the report; never throws. */
export function printSlowest(since = 0) {
  try {
    const times = collectTimes(since);
    if (times.tests.length === 0 && times.files.length === 0) {
      console.log(
        'ℹ テストの時間の記録が見つかりませんでした(no test timings found in .test-report/)。',
      );
      return;
    }
    const text = formatSlowest(times);
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(join(REPORT_DIR, 'slowest.md'), text);
    console.log(
      `\n遅いテスト(slowest tests and files; saved in .test-report/slowest.md)\n\n${text}`,
    );
  } catch (error) {
    console.log(
      `⚠ 遅いテストの一覧を作れませんでした(slow-test report skipped): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--since');
  printSlowest(at > 0 ? Number(process.argv[at + 1]) || 0 : 0);
  process.exitCode = 0;
}
