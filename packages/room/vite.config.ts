import { defineConfig } from 'vite';

/**
 * The instructor's live board: a static page the room server serves at `/` and
 * `/board`, its script and styles under `/assets/`. `base: './'` keeps the built
 * page free of absolute paths, so it works wherever the server mounts it.
 */
export default defineConfig({
  root: 'board',
  base: './',
  build: {
    outDir: '../dist/board',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // One script, nothing to preload: no modulepreload polyfill in the page.
    modulePreload: { polyfill: false },
  },
});
