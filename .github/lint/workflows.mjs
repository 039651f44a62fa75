// Lints GitHub Actions workflows with action-validator (@action-validator/cli, a root
// devDependency: nothing is downloaded at lint time). The CLI takes one file at a time.
//   node .github/lint/workflows.mjs            every .github/workflows/*.yml / *.yaml
//   node .github/lint/workflows.mjs a.yml ...  the given files
// Exits non-zero if any file is invalid. The workflows themselves only run on GitHub.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKFLOWS_DIR = join(REPO_ROOT, '.github/workflows');

/** The validator's CLI script, from the installed package. */
export const VALIDATOR_CLI = join(
  dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')),
  'cli.mjs',
);

/** Every workflow file of the repository. */
export function workflowFiles() {
  return readdirSync(WORKFLOWS_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(WORKFLOWS_DIR, name));
}

/** Runs the validator on one file: `{ ok, output }`. */
export function validate(file) {
  const run = spawnSync(process.execPath, [VALIDATOR_CLI, file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : workflowFiles();
  if (files.length === 0) {
    console.error('workflows: no workflow files found');
    process.exit(1);
  }
  let failed = 0;
  for (const file of files) {
    const { ok, output } = validate(file);
    const name = relative(process.cwd(), file);
    if (ok) {
      console.log(`workflows: ${name} ok`);
    } else {
      failed += 1;
      console.error(`workflows: ${name} is invalid\n${output}`);
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}
