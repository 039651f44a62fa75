import { readFile } from 'node:fs/promises';
import { parseEnv } from '@kit/functions/env-file';
import { usageProblem } from '@kit/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './support/kit-run.js';

/**
 * The bins themselves (scripts/*.ts under tsx, as `pnpm setup:twilio`,
 * `deploy:step` and `teardown:step` run them), one child process each: the
 * other tests call the same mains in-process. What only a real process shows:
 * the exit code the bin sets (0, 1, 2) and the fake reached through
 * HTTP_PROXY and NODE_EXTRA_CA_CERTS by both libraries (`twilio` in setup,
 * `@twilio-labs/serverless-api` in teardown), as on an instructor's machine.
 */
let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace(['KIT_SERVICE_NAME=kit-bins']);
});

afterAll(async () => {
  await ws?.close();
});

describe('the instructor bins, as child processes', () => {
  it('setup:twilio exits 0 and writes .env; exits 1 on refused credentials without printing them', async () => {
    const refused = await ws.runChild('setup-twilio', [], { AUTH_TOKEN: 'f'.repeat(32) });
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stderr).toContain('HTTP 401 authentication failed');
    expect(refused.output).not.toContain('f'.repeat(32));

    const setup = await ws.runChild('setup-twilio');
    expect(setup.code, setup.output).toBe(0);
    const env = parseEnv(await readFile(ws.envPath, 'utf8'));
    expect(env.TWIML_APP_SID).toMatch(/^AP[0-9a-f]{32}$/);
    expect(setup.output).not.toContain(env.API_SECRET);
  });

  it('deploy:step exits 2 on a misspelt option and 1 on missing variables, before any request', async () => {
    const before = ws.fake.requests.length;
    const misspelt = await ws.runChild('deploy-step', ['4', '--froce']);
    expect(misspelt.code).toBe(2);
    expect(
      usageProblem(misspelt.stderr, '知らないオプションです: --froce', 'pnpm deploy:step'),
    ).toBeUndefined();

    const missing = await ws.runChild('deploy-step', ['4'], { KIT_ENV_FILE: '/nonexistent/.env' });
    expect(missing.code, missing.output).toBe(1);
    expect(missing.stderr).toContain('missing environment variables: ACCOUNT_SID, AUTH_TOKEN');
    expect(ws.fake.requests.length).toBe(before);
  });

  it('teardown:step exits 0 and removes the environment a deploy made', async () => {
    // The deploy itself in-process (its own tests run it so): a child would compile step 01 from cold.
    const deployed = await ws.run('deploy-step', ['1', '--dir', await ws.copyStep('step-01')]);
    expect(deployed.code, deployed.output).toBe(0);
    expect(ws.fake.environmentBySuffix('step-01')).toBeDefined();
    const result = await ws.runChild('teardown-step', ['1']);
    expect(result.code, result.output).toBe(0);
    expect(ws.fake.environmentBySuffix('step-01')).toBeUndefined();
    expect(ws.fake.violations).toEqual([]);
  });
});
