import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A one-Function "step" holding the original hands-on's token Function, laid
 * out like a built step (dist/functions) so the same runtime serves it. It
 * lives inside packages/bench so `twilio` resolves from here, as it would from
 * a step folder.
 */
export async function originalTokenStepDir(): Promise<string> {
  const stepDir = join(BENCH_DIR, '.work/original-token');
  const functionsDir = join(stepDir, 'dist/functions');
  await mkdir(functionsDir, { recursive: true });
  await mkdir(join(stepDir, 'dist/assets'), { recursive: true });
  await copyFile(
    join(BENCH_DIR, 'fixtures/original-voice-token.js'),
    join(functionsDir, 'voice-token.js'),
  );
  return stepDir;
}
