import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { type Figure, figure } from '../report.js';

/**
 * The original hands-on's `twilio.min.js` (343 kB, 78.3 kB gzip), the file it
 * served beside its phone page: quoted constants, not measured here (the kit
 * does not ship that file).
 */
export const ORIGINAL_SDK = { bytes: 343_000, gzipBytes: 78_300 } as const;
export const APP_GZIP_LIMIT_BYTES = 15_000;

const SECTION = '4 bundle';

async function assetFile(prefix: string): Promise<{ name: string; bytes: Buffer }> {
  const dir = join(PHONE_DIST_DIR, 'assets');
  const names = (await readdir(dir)).filter(
    (name) => name.startsWith(prefix) && name.endsWith('.js'),
  );
  if (names.length !== 1) {
    throw new Error(
      `expected one ${prefix}*.js in ${dir}, found ${names.length}: run pnpm --filter @kit/browser-phone build`,
    );
  }
  const name = names[0] as string;
  return { name, bytes: await readFile(join(dir, name)) };
}

/** Gzip at level 9, like `gzip -9` (the level of the published figure is not stated). */
const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

export async function benchBundle(): Promise<Figure[]> {
  const app = await assetFile('index-');
  const sdk = await assetFile('twilio-');
  const kB = (bytes: number) => bytes / 1000;
  const quoted = (value: number) => ({
    label: 'hands-on twilio.min.js',
    value,
    measured: false,
  });
  const appGzip = gzipSize(app.bytes);
  return [
    figure({
      section: SECTION,
      metric: `app code gzip (${app.name})`,
      unit: 'kB',
      value: kB(appGzip),
      baseline: quoted(kB(ORIGINAL_SDK.gzipBytes)),
      target: { text: '< 15 kB gzip', pass: appGzip < APP_GZIP_LIMIT_BYTES },
      note: `${kB(app.bytes.length).toFixed(1)} kB raw`,
    }),
    figure({
      section: SECTION,
      metric: `SDK chunk gzip (${sdk.name})`,
      unit: 'kB',
      value: kB(gzipSize(sdk.bytes)),
      baseline: quoted(kB(ORIGINAL_SDK.gzipBytes)),
    }),
    figure({
      section: SECTION,
      metric: 'SDK chunk raw',
      unit: 'kB',
      value: kB(sdk.bytes.length),
      baseline: quoted(kB(ORIGINAL_SDK.bytes)),
    }),
  ];
}
