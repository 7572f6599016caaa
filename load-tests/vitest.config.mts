import { defineConfig } from 'vitest/config';

// load-tests has no src/: its unit tests sit beside the harness. Same reporters as vitest.shared.mts, so
// `pnpm test` counts them.
const conditions = ['@ecogrid/source', 'node'];
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: `.test-results/${(process.env.npm_lifecycle_event ?? 'vitest').replace(':', '-')}.json` },
    projects: [{ extends: true, test: { name: 'unit', include: ['harness/**/*.test.ts'] } }],
  },
});
