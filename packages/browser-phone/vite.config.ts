import { defineConfig } from 'vitest/config';
import { phoneAssets } from './build/phone-assets-plugin.js';

export default defineConfig({
  // Served from the root of the Functions service (its assets), with the token Function beside it.
  base: '/',
  plugins: [phoneAssets()],
  build: {
    target: 'es2022',
    sourcemap: false,
    // The SDK is loaded on demand, after the mode is known: keep it in its own chunk.
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
