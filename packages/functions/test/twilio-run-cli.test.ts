import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEPS } from '@kit/shared';
import { freePort } from '@kit/shared/ports';
import { afterAll, describe, expect, it } from 'vitest';
import { pickStepEnv } from '../src/step-env.js';
import { FUNCTIONS_PACKAGE_DIR, referenceStepDir } from '../src/steps-dir.js';
import { testCredentials } from './support/credentials.js';

/**
 * What an attendee runs by hand: `twilio-run start` inside a step folder. This
 * proves each step's `.twilioserverlessrc` points twilio-run at the build, so
 * the CLI (and a deploy from the folder) sees the same Functions as the kit.
 */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

/** Resolves with twilio-run's output once it lists every expected URL. */
function waitForListing(child: ChildProcess, urls: readonly string[]): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`twilio-run listed no ${urls.join(', ')}:\n${output}`)),
      25_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (urls.every((url) => output.includes(url))) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`twilio-run exited with ${code}:\n${output}`)));
  });
}

describe.each(STEPS.map((step) => [step.tag, step] as const))(
  'twilio-run start in %s',
  (_tag, step) => {
    it('lists the catalog Functions from dist/ and serves them', { timeout: 40_000 }, async () => {
      const envDir = await mkdtemp(join(tmpdir(), 'kit-env-'));
      const envFile = join(envDir, '.env');
      const env = pickStepEnv(step, { ...testCredentials() });
      await writeFile(
        envFile,
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      );
      const port = await freePort();
      // The package's own twilio-run bin (what `pnpm exec twilio-run` runs from a step
      // folder), without pnpm's half second of CPU in front of it.
      const child = spawn(
        join(FUNCTIONS_PACKAGE_DIR, 'node_modules/.bin/twilio-run'),
        ['start', '--port', String(port), '--env', envFile, '--no-fork-process', '--no-live'],
        { cwd: referenceStepDir(step), env: { ...process.env, FORCE_COLOR: '0', CI: 'true' } },
      );
      children.push(child);
      const urls = step.functions.map((fn) => `http://localhost:${port}${fn.path}`);
      const listing = await waitForListing(child, urls);
      expect(listing).not.toContain('No functions found');

      const first = step.functions[0];
      if (!first) throw new Error(`${step.tag} has no Functions`);
      const response = await fetch(
        `http://localhost:${port}${first.path}?identity=alice&grants=video`,
      );
      expect(response.status).toBe(200);
      child.kill('SIGTERM');
    });
  },
);
