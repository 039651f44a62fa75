// node --test .github/lint/ — the workflow linter accepts the repository's
// workflows and rejects a broken one (so `pnpm lint` can really fail).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validate, workflowFiles } from './workflows.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BROKEN = join(HERE, 'fixtures/broken-workflow.yml');

test('the repository has its CI and Pages workflows', () => {
  const names = workflowFiles().map((file) => file.slice(file.lastIndexOf('/') + 1));
  assert.deepEqual(names, ['ci.yml', 'pages.yml']);
});

for (const file of workflowFiles()) {
  test(`${file.slice(file.lastIndexOf('/') + 1)} passes action-validator`, () => {
    const { ok, output } = validate(file);
    assert.ok(ok, output);
  });
}

test('a misspelt runs-on and an unknown key fail validation', () => {
  const { ok, output } = validate(BROKEN);
  assert.equal(ok, false);
  assert.match(output, /Additional property 'run-on' is not allowed/);
  assert.match(output, /Additional property 'triggers' is not allowed/);
});

test('the lint command exits non-zero on a broken workflow', () => {
  const run = spawnSync(process.execPath, [join(HERE, 'workflows.mjs'), BROKEN], {
    encoding: 'utf8',
  });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /broken-workflow\.yml is invalid/);
});
