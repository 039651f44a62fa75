import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PHONE_DIST_DIR } from '@kit/browser-phone/dist-dir';
import { buildPageWithoutSdk } from '@kit/browser-phone/page-without-sdk';
import { PHONE_CONSOLE_ASSETS } from '@kit/shared';
import { type Figure, figure } from '../report.js';

/**
 * The original hands-on's `twilio.min.js` (343 kB, 78.3 kB gzip), the file it
 * served beside its phone page: quoted constants, not measured here (the kit
 * does not ship that file).
 */
export const ORIGINAL_SDK = { bytes: 343_000, gzipBytes: 78_300 } as const;
/** The kit's own page (HTML, CSS, app code; the SDK left out). */
export const APP_GZIP_LIMIT_BYTES = 15_000;

const SECTION = '4 bundle';

/** Gzip at level 9, like `gzip -9` (the level of the published figure is not stated). */
const gzipSize = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;

/** The built phone: exactly the catalog's Console files, the page among them. */
async function builtPage(): Promise<{ name: string; bytes: Buffer; files: number }> {
  const files = (await readdir(PHONE_DIST_DIR, { recursive: true })).map(String).sort();
  const expected = PHONE_CONSOLE_ASSETS.map((asset) => asset.file).sort();
  const page = PHONE_CONSOLE_ASSETS.find((asset) => asset.file.endsWith('.html'));
  if (!page || JSON.stringify(files) !== JSON.stringify(expected)) {
    throw new Error(
      `expected ${expected.join(', ')} in ${PHONE_DIST_DIR}, found ${files.join(', ') || 'nothing'}: run pnpm --filter @kit/browser-phone build`,
    );
  }
  return {
    name: page.file,
    bytes: await readFile(join(PHONE_DIST_DIR, page.file)),
    files: files.length,
  };
}

/**
 * The phone is one page with its script (the Voice SDK included), styles and
 * tone generator inlined: what an attendee uploads and what a browser loads.
 * The app-size figure is the same page rebuilt by the same Vite config with
 * the SDK left out (in memory), so it measures the kit's own code as shipped
 * (HTML and CSS included, minified the same way); the SDK's share is the
 * difference of the two gzip sizes (gzip is not additive: an estimate).
 */
export async function benchBundle(): Promise<Figure[]> {
  const page = await builtPage();
  const appOnly = Buffer.from(await buildPageWithoutSdk());
  const kB = (bytes: number) => bytes / 1000;
  const quoted = (value: number) => ({
    label: 'hands-on twilio.min.js',
    value,
    measured: false,
  });
  const pageGzip = gzipSize(page.bytes);
  const appGzip = gzipSize(appOnly);
  return [
    figure({
      section: SECTION,
      metric: `phone page gzip (${page.name}: app + SDK inlined)`,
      unit: 'kB',
      value: kB(pageGzip),
      baseline: quoted(kB(ORIGINAL_SDK.gzipBytes)),
      target: {
        text: '< the hands-on SDK file alone',
        pass: pageGzip < ORIGINAL_SDK.gzipBytes,
      },
      note: `${page.files} file(s) to upload in the Console`,
    }),
    figure({
      section: SECTION,
      metric: `phone page raw (${page.name})`,
      unit: 'kB',
      value: kB(page.bytes.length),
      baseline: quoted(kB(ORIGINAL_SDK.bytes)),
    }),
    figure({
      section: SECTION,
      metric: 'app gzip (same page built without the SDK)',
      unit: 'kB',
      value: kB(appGzip),
      baseline: quoted(kB(ORIGINAL_SDK.gzipBytes)),
      target: { text: '< 15 kB gzip', pass: appGzip < APP_GZIP_LIMIT_BYTES },
      note: `HTML + CSS + app code + tone generator; ${kB(appOnly.length).toFixed(1)} kB raw`,
    }),
    figure({
      section: SECTION,
      metric: 'SDK share of the page gzip (difference)',
      unit: 'kB',
      value: kB(pageGzip - appGzip),
      baseline: quoted(kB(ORIGINAL_SDK.gzipBytes)),
    }),
  ];
}
