import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, repositoryFiles } from './paths.js';

/**
 * A person who clones the repository gets only the repository: no file may
 * point at a folder of the machine it was written on, or at a document that
 * lives beside the checkout instead of inside it.
 */

const HOME_DIRS = ['work', 'root', 'home', 'Users'].join('|');
const MACHINE_PATH = new RegExp(`(?<![\\w.~\\-/])/(?:${HOME_DIRS})/[\\w.\\-]+`, 'g');
const WINDOWS_PATH = /\b[A-Z]:\\Users\\/g;
const OUTSIDE_DOCUMENT = new RegExp(
  ['\\.\\./shared/', 'shared/DESIGN\\.md', 'shared/twilio\\-oai', 'voice-sdk-pstream\\.md'].join(
    '|',
  ),
  'g',
);

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
    // Built from pieces, so that this file passes its own check.
    const path = (...parts: string[]) => parts.join('/');
    const examples = `see ${path('', 'work', 'shared', 'x')} and ${path('', 'home', 'alice', 'kit')}`;
    expect(findOutsideReferences(examples)).toEqual([
      path('', 'work', 'shared'),
      path('', 'home', 'alice'),
    ]);
    expect(findOutsideReferences('C:\\Users\\bob\\kit')).toEqual(['C:\\Users\\']);
    const beside = path('..', 'shared', '');
    expect(findOutsideReferences(`written from ${beside}DESIGN.md`)).toEqual([beside]);
    expect(
      findOutsideReferences(
        `packages/shared/src, /tmp/kit-cov, https://example.com${path('', 'home', 'x')}, ~${path('', 'work', 'kit')}, @kit/shared`,
      ),
    ).toEqual([]);
  });

  it('names no absolute path of a development machine and no document outside the checkout', () => {
    const files = repositoryFiles().filter((file) => file !== 'pnpm-lock.yaml');
    expect(files.length).toBeGreaterThan(100);
    const offending = files.flatMap((file) => {
      const text = textOf(file);
      if (text === undefined) return [];
      return findOutsideReferences(text).map((reference) => `${file}: ${reference}`);
    });
    expect(offending).toEqual([]);
  });
});
