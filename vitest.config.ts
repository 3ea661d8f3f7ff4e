import { defineConfig } from 'vitest/config';

// Two projects: `unit` has no database; `pg` runs every
// `*.pg.test.ts` file twice, once against PGlite (the embedded default) and,
// when FLOWTRAIL_TEST_DATABASE_URL is set, once against a real PostgreSQL.
const pgTargets = process.env.FLOWTRAIL_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.pg.test.ts', 'node_modules/**', 'dist/**'],
          setupFiles: ['test/support/msw.ts'],
        },
      },
      ...pgTargets.map((target) => ({
        test: {
          name: `pg:${target}`,
          include: ['src/**/*.pg.test.ts', 'test/**/*.pg.test.ts'],
          exclude: ['node_modules/**', 'dist/**'],
          setupFiles: ['test/support/msw.ts'],
          globalSetup: target === 'postgres' ? ['test/support/pg-global-setup.ts'] : ['test/support/pglite-global-setup.ts'],
          env: { FLOWTRAIL_TEST_TARGET: target },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
