import { readFile, rename, writeFile } from 'node:fs/promises';
import { ENV_VARS, type EnvVarName } from '@kit/shared';

/**
 * Sets some variables in `.env` and leaves every other line as it was
 * (comments, order, other variables). A variable already present is changed in
 * place; a new one is appended with its description as a comment.
 * Written to a temporary file first, so an interrupted run never leaves half a `.env`.
 */
export async function updateEnvFile(
  path: string,
  values: Partial<Record<EnvVarName, string>>,
): Promise<void> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await writeFile(`${path}.tmp`, applyEnvValues(text, values), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

export function applyEnvValues(text: string, values: Partial<Record<EnvVarName, string>>): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const pending = new Map(Object.entries(values) as [EnvVarName, string][]);
  const updated = lines.map((line) => {
    const match = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)/.exec(line);
    const name = match?.[2] as EnvVarName | undefined;
    if (!match || name === undefined || !pending.has(name)) return line;
    const value = pending.get(name) ?? '';
    pending.delete(name);
    return `${match[1]}${name}${match[3]}${value}`;
  });
  for (const [name, value] of pending) {
    updated.push(`# ${ENV_VARS[name].description}`, `${name}=${value}`);
  }
  return `${updated.join(newline)}${newline}`;
}
