/** `20.19.0` → [20, 19, 0]; anything unreadable → null. */
export function parseVersion(text: string): [number, number, number] | null {
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!match) return null;
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Whether `version` satisfies an `engines` range. The kit only writes `>=X.Y`
 * (possibly several `||`-joined alternatives of `>=`, `^` or an exact version);
 * returns null for a range it cannot read, so the caller says so instead of guessing.
 */
export function satisfiesRange(version: string, range: string): boolean | null {
  const current = parseVersion(version);
  if (!current) return null;
  const alternatives = range.split('||').map((part) => part.trim());
  let understood = false;
  for (const alternative of alternatives) {
    const match = /^(>=|\^)?\s*v?(\d+(?:\.\d+){0,2})$/.exec(alternative);
    if (!match) continue;
    const wanted = parseVersion(match[2] ?? '');
    if (!wanted) continue;
    understood = true;
    const operator = match[1] ?? '';
    if (operator === '>=' && compareVersions(current, wanted) >= 0) return true;
    if (operator === '^' && current[0] === wanted[0] && compareVersions(current, wanted) >= 0)
      return true;
    if (operator === '' && compareVersions(current, wanted) === 0) return true;
  }
  return understood ? false : null;
}
