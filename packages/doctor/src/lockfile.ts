/**
 * The `importers` section of `pnpm-lock.yaml` (lockfile v9): for each workspace
 * folder, each dependency's `specifier` as written in its package.json when the
 * lockfile was made. pnpm itself decides "lockfile up to date" by comparing these;
 * a full YAML parser is not needed for this regular part of the file.
 */
export type ImporterSpecifiers = Map<string, Map<string, string>>;

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];

export function readImporterSpecifiers(lockfileText: string): ImporterSpecifiers {
  const importers: ImporterSpecifiers = new Map();
  let inImporters = false;
  let importer: Map<string, string> | undefined;
  let inDependencyField = false;
  let dependency: string | undefined;
  for (const line of lockfileText.split(/\r?\n/)) {
    if (/^\S/.test(line)) {
      inImporters = line === 'importers:';
      importer = undefined;
      continue;
    }
    if (!inImporters || line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const key = unquote(line.trim().replace(/:.*$/, ''));
    if (indent === 2) {
      importer = new Map();
      importers.set(key, importer);
      inDependencyField = false;
    } else if (indent === 4) {
      inDependencyField = DEPENDENCY_FIELDS.includes(key);
    } else if (indent === 6 && inDependencyField) {
      dependency = unquote(line.trim().replace(/:\s*$/, ''));
    } else if (indent === 8 && inDependencyField && dependency && importer) {
      const specifier = /^specifier:\s*(.*)$/.exec(line.trim());
      if (specifier) importer.set(dependency, unquote(specifier[1] ?? ''));
    }
  }
  return importers;
}

function unquote(text: string): string {
  return text.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
}

/** Dependencies whose package.json specifier differs from the lockfile's (or is absent from it). */
export function specifierDifferences(
  declared: Readonly<Record<string, string>>,
  locked: ReadonlyMap<string, string> | undefined,
): string[] {
  const differences: string[] = [];
  for (const [name, specifier] of Object.entries(declared)) {
    if (locked?.get(name) !== specifier) differences.push(name);
  }
  for (const name of locked?.keys() ?? []) {
    if (!(name in declared)) differences.push(name);
  }
  return differences;
}
