import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.js';

/**
 * A person who clones the repository gets only the repository: no file may
 * point at a folder of the machine it was written on, or at a document that
 * lives beside the checkout instead of inside it.
 */

const HOME_DIRS = ['work', 'root', 'home', 'Users'].join('|');
const MACHINE_PATH = new RegExp(`(?<![\\w.~\\-/])/(?:${HOME_DIRS})/[\\w.\\-]+`, 'g');
const WINDOWS_PATH = /\b[A-Z]:\\Users\\/g;
const OUTSIDE_DOCUMENT = new RegExp(
  ['\\.\\./shared/', 'shared/DESIGN\\.md', 'shared/twilio-oai', 'voice-sdk-pstream\\.md'].join('|'),
  'g',
);

/** Files git tracks, plus new ones it does not ignore (so the test also guards uncommitted work). */
function repositoryFiles(): string[] {
  const listing = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    },
  );
  // This file is skipped: its own examples are what it forbids.
  const skipped = new Set(['', 'pnpm-lock.yaml', 'tests/repo/stands-alone.test.ts']);
  return listing.split('\0').filter((file) => !skipped.has(file));
}

function textOf(file: string): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(REPO_ROOT, file));
  } catch {
    return undefined; // deleted in the work tree
  }
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

function findOutsideReferences(text: string): string[] {
  return [MACHINE_PATH, WINDOWS_PATH, OUTSIDE_DOCUMENT].flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[0]),
  );
}

describe('the repository stands alone', () => {
  it('recognises what it forbids, and lets ordinary paths through', () => {
    expect(findOutsideReferences('see /work/shared/x and /home/alice/kit')).toEqual([
      '/work/shared',
      '/home/alice',
    ]);
    expect(findOutsideReferences('C:\\Users\\bob\\kit')).toEqual(['C:\\Users\\']);
    expect(findOutsideReferences('written from ../shared/DESIGN.md')).toEqual(['../shared/']);
    expect(
      findOutsideReferences(
        'packages/shared/src, /tmp/kit-cov, https://example.com/home/x, ~/work/kit, @kit/shared',
      ),
    ).toEqual([]);
  });

  it('names no absolute path of a development machine and no document outside the checkout', () => {
    const files = repositoryFiles();
    expect(files.length).toBeGreaterThan(100);
    const offending = files.flatMap((file) => {
      const text = textOf(file);
      if (text === undefined) return [];
      return findOutsideReferences(text).map((reference) => `${file}: ${reference}`);
    });
    expect(offending).toEqual([]);
  });
});
