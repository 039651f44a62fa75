import { builtinModules } from 'node:module';

/** `fs`, `node:fs`, …: what a file may use without a dependency. */
export const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

export interface ImportedModule {
  specifier: string;
  /** `import type …` / `export type …`: gone from the JavaScript. */
  typeOnly: boolean;
}

/**
 * Every module a source file names, in this order: static imports, re-exports,
 * dynamic `import()`, `require()`. Comments are skipped. A regular-expression
 * reading, enough for the repository's own formatted sources.
 */
export function importsOf(source: string): ImportedModule[] {
  const code = source.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const declared = (keyword: 'import' | 'export') =>
    [
      ...code.matchAll(
        new RegExp(`^\\s*${keyword}\\s+(type\\s)?(?:[^'";]*?\\sfrom\\s+)?['"]([^'"]+)['"]`, 'gm'),
      ),
    ]
      .filter(([statement]) => keyword === 'import' || /\sfrom\s/.test(statement))
      .map(([, type, specifier = '']) => ({ specifier, typeOnly: type !== undefined }));
  const called = (pattern: RegExp) =>
    [...code.matchAll(pattern)].map(([, specifier = '']) => ({ specifier, typeOnly: false }));
  return [
    ...declared('import'),
    ...declared('export'),
    ...called(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...called(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
}
