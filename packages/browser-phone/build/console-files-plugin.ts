import { readdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { PHONE_CONSOLE_ASSETS } from '@kit/shared';
import type { Plugin } from 'vite';

/**
 * Keeps the build what the step catalog says attendees upload in the Twilio
 * Console (`PHONE_CONSOLE_ASSETS`): exactly those files, nothing else in
 * `dist`, and no page that points at a file of its own (everything inlined).
 * Fails the build otherwise, before step 04 copies `dist` into its assets.
 */
export function consoleFiles(): Plugin {
  const expected = PHONE_CONSOLE_ASSETS.map((asset) => asset.file).sort();
  return {
    name: 'kit-console-files',
    apply: 'build',
    // After vite-plugin-singlefile (also `post`, listed before this one) has inlined the files.
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type !== 'asset' || !file.fileName.endsWith('.html')) continue;
          const html = String(file.source);
          const outside = [...html.matchAll(/\s(?:src|href)="(?!data:|#)([^"]*)"/g)].map(
            (match) => match[1],
          );
          if (outside.length > 0) {
            this.error(`${file.fileName} still loads ${outside.join(', ')}: inline it`);
          }
        }
      },
    },
    async writeBundle(options) {
      const dir = options.dir;
      if (!dir) throw new Error('kit-console-files: no output dir');
      const written = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, `${entry.parentPath}/${entry.name}`))
        .sort();
      if (JSON.stringify(written) !== JSON.stringify(expected)) {
        this.error(
          `the phone's build must be exactly the Console files of the step catalog (${expected.join(', ')}), got: ${written.join(', ')}`,
        );
      }
    },
  };
}
