import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The one test configuration every package and service uses, as two projects:
 * `unit` — tests beside the code (`src/**\/*.test.ts`), no I/O;
 * `integration` — `test/**\/*.int.test.ts` against the real Kafka, Redis and PostgreSQL named by
 * KAFKA_BROKERS, REDIS_URL and DATABASE_URL (see @ecogrid/testkit).
 * Workspace packages resolve to their TypeScript sources through the `@ecogrid/source` export condition,
 * so a test never runs against a stale build.
 */
export function ecogridTestConfig(overrides: { integrationTimeoutMs?: number } = {}): ViteUserConfig {
  // No 'module' or 'import' condition here: vitest hands these to Node for external packages too, where
  // 'import' would make require() load ESM builds and 'module' points some packages at builds Node cannot load.
  const conditions = ['@ecogrid/source', 'node'];
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      // Every run also writes a JSON report, named after the package script that ran it (test or
      // test:integration); .ci/summarize-tests.mjs adds them up into the closing line of `pnpm test`.
      reporters: ['default', 'json'],
      outputFile: { json: `.test-results/${(process.env.npm_lifecycle_event ?? 'vitest').replace(':', '-')}.json` },
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['src/**/*.test.ts'] },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: ['test/**/*.int.test.ts'],
            testTimeout: overrides.integrationTimeoutMs ?? 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  });
}
