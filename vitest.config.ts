import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The suite's files run side by side on two cores: what takes 100 ms alone can take seconds.
    expect: { poll: { timeout: 10_000 } },
    // CLI tests build the server bundle once for all files.
    globalSetup: ['test/global-setup.ts'],
  },
});
