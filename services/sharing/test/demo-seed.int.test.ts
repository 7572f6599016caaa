import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YANHU_PARTNERS } from '../src/demo/yanhu-partners';
import { createWorld, STAFF_SECRET, type SharingWorld } from './support/sharing-harness';

const run = promisify(execFile);

describe('the Yanhu demo seed (pnpm start)', () => {
  let world: SharingWorld;

  beforeAll(async () => {
    world = await createWorld('sharing-seed');
  });

  afterAll(async () => {
    await world?.close();
  });

  it('registers every demo partner and prints a key and a curl line that work; run twice, it issues fresh keys', async () => {
    const seed = () => run(process.execPath, [resolve(__dirname, '../dist/cli/seed-demo.js')], { env: { ...process.env, SHARING_URL: world.baseUrl, STAFF_TOKEN_SECRET: STAFF_SECRET, NODE_ENV: 'test' } });
    for (const round of [1, 2]) {
      const { stdout } = await seed();
      const curls = stdout.split('\n').filter((line) => line.trim().startsWith('curl '));
      expect(curls).toHaveLength(YANHU_PARTNERS.length);
      for (const line of curls) {
        const [, key, url] = /-H 'X-Api-Key: (\S+)' '(\S+)'/.exec(line) ?? [];
        const answer = await fetch(url as string, { headers: { 'x-api-key': key as string } });
        expect(answer.status, `${line} (round ${round})`).toBe(200);
      }
      console.log(`demo seed round ${round}: ${curls.length} partners, every printed curl line answered 200`);
    }
  });
});
