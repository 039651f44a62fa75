import { dirname, join } from 'node:path';
import { build, type Rolldown } from 'vite';
import { PHONE_DIST_DIR } from './dist-dir.js';

const PHONE_DIR = dirname(PHONE_DIST_DIR);

/**
 * The phone's page built by its own Vite config, in memory, with the Voice SDK
 * left out (external instead of inlined): the weight of the kit's own page
 * (HTML, CSS, app code), for `pnpm bench`. `dist` is not touched.
 */
export async function buildPageWithoutSdk(): Promise<string> {
  const result = await build({
    root: PHONE_DIR,
    configFile: join(PHONE_DIR, 'vite.config.ts'),
    logLevel: 'silent',
    build: { write: false, rolldownOptions: { external: [/^@twilio\/voice-sdk(\/|$)/] } },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((item) =>
    'output' in item ? (item as Rolldown.RolldownOutput).output : [],
  );
  const page = outputs.find((file) => file.fileName === 'index.html');
  if (outputs.length !== 1 || page?.type !== 'asset') {
    throw new Error(
      `expected one index.html, got ${outputs.map((file) => file.fileName).join(', ')}`,
    );
  }
  return String(page.source);
}
