import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, NODE_BUILTINS } from './imports.js';
import { REPO_ROOT } from './paths.js';

/**
 * What runs must come from `dependencies`: a package's source and scripts (what
 * the launcher, the deploy and learner commands, the doctor and the bench run)
 * may import only packages their own package.json lists as dependencies, so a
 * production install (or a package used from another) never misses one. Tests,
 * test support and build configuration may use devDependencies.
 */

const PACKAGES_DIR = join(REPO_ROOT, 'packages');
const RUNTIME_FOLDERS = ['src', 'scripts'];

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** Run-time imports of a source file, other than Node's and relative ones. */
function runtimeImports(source: string): string[] {
  return importsOf(source)
    .filter(({ specifier, typeOnly }) => !typeOnly && !specifier.startsWith('.'))
    .map(({ specifier }) => specifier)
    .filter((specifier) => !NODE_BUILTINS.has(specifier));
}

/** Folders that hold no source of the package's own (scratch folders come and go while other tests run). */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.test-workspaces',
  '.turbo',
  '.generated',
  'cache',
  'workspace',
]);

/**
 * A package's own source files. The walk never enters node_modules, a build or a
 * scratch folder, so a folder vanishing under it cannot fail or empty the list.
 */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return SKIPPED_FOLDERS.has(entry.name) || /^dist(-|$)/.test(entry.name)
        ? []
        : sourceFiles(path);
    }
    return entry.isFile() &&
      /\.(ts|mts|js|mjs)$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts') &&
      !/\.test\.|\.spec\./.test(entry.name)
      ? [path]
      : [];
  });
}

const packages = readdirSync(PACKAGES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(PACKAGES_DIR, entry.name));

describe('run-time imports come from dependencies', () => {
  it('recognises the imports it checks, and skips types and relative paths', () => {
    const source = [
      "import { a } from '@kit/shared';",
      "import type { T } from 'typescript';",
      "import express from 'express';",
      "import './local.js';",
      "export { b } from 'twilio/lib/x';",
      "const c = await import('hpagent');",
      "import { readFile } from 'node:fs/promises';",
      "// import { nope } from 'commented-out';",
    ].join('\n');
    expect(runtimeImports(source)).toEqual(['@kit/shared', 'express', 'twilio/lib/x', 'hpagent']);
    expect(packageOf('@twilio-labs/serverless-api/dist/utils/fs.js')).toBe(
      '@twilio-labs/serverless-api',
    );
  });

  describe.each(packages.map((dir) => [relative(REPO_ROOT, dir), dir] as const))(
    '%s',
    (_name, dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      const declared = new Set([
        pkg.name,
        ...Object.keys(pkg.dependencies ?? {}),
        ...Object.keys(pkg.peerDependencies ?? {}),
      ]);

      it('imports at run time only what package.json lists under dependencies', () => {
        const missing = RUNTIME_FOLDERS.flatMap((folder) => sourceFiles(join(dir, folder))).flatMap(
          (file) =>
            runtimeImports(readFileSync(file, 'utf8'))
              .filter((specifier) => !declared.has(packageOf(specifier)))
              .map((specifier) => {
                const where = pkg.devDependencies?.[packageOf(specifier)]
                  ? 'devDependencies'
                  : 'nowhere';
                return `${relative(dir, file)}: ${specifier} (listed ${where})`;
              }),
        );
        expect(missing).toEqual([]);
      });

      it("reaches into no package's private files (dist/ paths, not its public exports)", () => {
        const privatePaths = [...RUNTIME_FOLDERS, 'test']
          .flatMap((folder) => sourceFiles(join(dir, folder)))
          .flatMap((file) =>
            runtimeImports(readFileSync(file, 'utf8'))
              .filter((specifier) => /\/(dist|lib|build)\//.test(specifier))
              .map((specifier) => `${relative(dir, file)}: ${specifier}`),
          );
        expect(privatePaths).toEqual([]);
      });
    },
  );
});
