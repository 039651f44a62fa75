import type { Plugin } from 'vite';
import { phoneSounds } from './tones.js';

/** Other names the built page is reachable under, next to `index.html`. */
export const PAGE_ALIASES = [
  // The original hands-on's file name.
  'browser-phone.html',
  // Twilio serves the asset at /assets/index.html on the service's root URL.
  'assets/index.html',
] as const;

/**
 * Emits the generated sounds into `sounds/` and the page under its alias names.
 * In `vite dev` the same sounds are served from memory.
 */
export function phoneAssets(): Plugin {
  const sounds = phoneSounds();
  return {
    name: 'kit-phone-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith('/sounds/') ? req.url.slice('/sounds/'.length) : '';
        const body = sounds[name];
        if (!body) return next();
        res.setHeader('Content-Type', 'audio/wav');
        res.end(body);
      });
    },
    generateBundle: {
      // After Vite's HTML plugin has put index.html in the bundle.
      order: 'post',
      handler(_options, bundle) {
        for (const [name, body] of Object.entries(sounds)) {
          this.emitFile({ type: 'asset', fileName: `sounds/${name}`, source: body });
        }
        const page = bundle['index.html'];
        if (page?.type !== 'asset') throw new Error('index.html missing from the bundle');
        for (const alias of PAGE_ALIASES) {
          this.emitFile({ type: 'asset', fileName: alias, source: page.source });
        }
      },
    },
  };
}
