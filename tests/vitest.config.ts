import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['repo/**/*.test.ts'],
  },
});
